import type { HostDescription } from '../host.js';

/** winget (App Installer) on Windows 10 1809+ / 11. Pure over the host description. */
export function detectWinget(host: HostDescription): boolean {
  return host.platform === 'win32' && (host.executables.has('winget') || host.executables.has('winget.exe'));
}
