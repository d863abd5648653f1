import type { HostDescription } from '../host.js';

/** Apple's softwareupdate on macOS. Pure over the host description. */
export function detectSoftwareUpdate(host: HostDescription): boolean {
  return host.platform === 'darwin' && host.executables.has('softwareupdate');
}
