import type { HostDescription } from '../host.js';

/** Homebrew on macOS or Linux (Linuxbrew). Pure over the host description. */
export function detectBrew(host: HostDescription): boolean {
  return (host.platform === 'darwin' || host.platform === 'linux') && host.executables.has('brew');
}
