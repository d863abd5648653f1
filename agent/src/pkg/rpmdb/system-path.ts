/**
 * rpm scriptlets and zypper/pacman hooks call tools from the sbin directories (ldconfig,
 * systemctl, depmod) even when the agent was started without them on PATH.
 */
export function systemPath(current: string | undefined): string {
  const parts = (current ?? '').split(':').filter(Boolean);
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!parts.includes(dir)) parts.push(dir);
  }
  return parts.join(':');
}
