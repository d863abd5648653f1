import type { AdapterModule } from '../registry.js';
import type { HostDescription } from '../host.js';
import { AptPackageManager } from './adapter.js';
import { aptParsers } from './parse.js';

/** apt is present on Linux hosts with apt-get and dpkg-query on PATH (Debian, Ubuntu, Mint, Raspberry Pi OS, …). */
export function detectApt(host: HostDescription): boolean {
  return host.platform === 'linux' && host.executables.has('apt-get') && host.executables.has('dpkg-query');
}

export const aptModule: AdapterModule = {
  factory: {
    name: 'apt',
    detect: detectApt,
    create: (deps) => new AptPackageManager(deps),
  },
  parsers: aptParsers,
};

export { AptPackageManager, APT_CAPABILITIES } from './adapter.js';
