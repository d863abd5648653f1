import type { HostDescription } from '../host.js';

/** Windows Update through Windows PowerShell 5.1 (present on every supported Windows). Pure. */
export function detectWindowsUpdate(host: HostDescription): boolean {
  return host.platform === 'win32' && (host.executables.has('powershell') || host.executables.has('powershell.exe'));
}
