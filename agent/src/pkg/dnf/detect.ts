import { osFamily, type HostDescription } from '../host.js';

/** os-release IDs (and ID_LIKE entries) of distributions whose native package manager is dnf or yum. */
const RPM_FAMILIES = new Set([
  'fedora',
  'rhel',
  'centos',
  'rocky',
  'almalinux',
  'ol',
  'amzn',
  'openeuler',
  'anolis',
  'circle',
  'eurolinux',
  'navy',
  'opencloudos',
  'tencentos',
  'scientific',
  'virtuozzo',
  'cloudlinux',
]);

function rpmFamily(host: HostDescription): boolean {
  return host.platform === 'linux' && osFamily(host).some((id) => RPM_FAMILIES.has(id));
}

/** dnf (4 or 5) on a Fedora/RHEL-family Linux. A Debian host that merely has dnf installed is not one. */
export function detectDnf(host: HostDescription): boolean {
  return rpmFamily(host) && (host.executables.has('dnf') || host.executables.has('dnf5'));
}

/** yum 3 (EL6, EL7): only when there is no dnf (on EL8+ `yum` is dnf under another name). */
export function detectYum(host: HostDescription): boolean {
  return rpmFamily(host) && host.executables.has('yum') && !host.executables.has('dnf') && !host.executables.has('dnf5');
}
