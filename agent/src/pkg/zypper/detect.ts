import { osFamily, type HostDescription } from '../host.js';

/** SUSE family: os-release ID or ID_LIKE `suse`, `opensuse*`, `sles`, `sled`, `sle-micro`, `sle_hpc`. */
export function isSuseFamily(host: HostDescription): boolean {
  return osFamily(host).some((id) => id === 'suse' || id === 'sles' || id === 'sled' || id.startsWith('opensuse') || id.startsWith('sle-') || id.startsWith('sle_'));
}

/** zypper on a SUSE-family Linux. A Debian host that merely has zypper installed is not one. */
export function detectZypper(host: HostDescription): boolean {
  return host.platform === 'linux' && host.executables.has('zypper') && isSuseFamily(host);
}
