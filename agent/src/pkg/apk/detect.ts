import type { HostDescription } from '../host.js';

/** apk-tools on Linux: Alpine, postmarketOS, Wolfi, Chimera. Pure over the host description. */
export function detectApk(host: HostDescription): boolean {
  return host.platform === 'linux' && host.executables.has('apk');
}
