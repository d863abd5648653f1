import type { HostDescription } from '../host.js';

/** Chocolatey on Windows (`choco.exe`). Pure over the host description. */
export function detectChoco(host: HostDescription): boolean {
  return host.platform === 'win32' && (host.executables.has('choco') || host.executables.has('choco.exe'));
}
