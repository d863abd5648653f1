import { osFamily, type HostDescription } from '../host.js';

/** pacman on Arch Linux or a derivative (os-release ID or ID_LIKE `arch`: Manjaro, EndeavourOS, CachyOS, …). */
export function detectPacman(host: HostDescription): boolean {
  return host.platform === 'linux' && host.executables.has('pacman') && osFamily(host).some((id) => id === 'arch' || id === 'archlinux');
}
