import fs from 'node:fs/promises';
import os from 'node:os';

/** Tells whether the host has rebooted since a given moment: a Linux boot_id, or the boot time elsewhere. */
export type BootIdSource = () => Promise<string>;

const BOOT_TIME_PREFIX = 'boot@';
/** Boot times derived from uptime jitter by a few ms; anything closer than this is the same boot. */
const SAME_BOOT_TOLERANCE_MS = 60_000;

/** The current boot: /proc/sys/kernel/random/boot_id on Linux, `boot@<epoch ms>` (now − uptime) elsewhere. */
export const readBootId: BootIdSource = async () => {
  if (process.platform === 'linux') {
    const id = (await fs.readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    if (id) return id;
  }
  return `${BOOT_TIME_PREFIX}${Math.round(Date.now() - os.uptime() * 1000)}`;
};

/** Whether two boot ids name the same boot (boot times within a minute are the same boot). */
export function sameBoot(a: string, b: string): boolean {
  if (a.startsWith(BOOT_TIME_PREFIX) && b.startsWith(BOOT_TIME_PREFIX)) {
    const ta = Number(a.slice(BOOT_TIME_PREFIX.length));
    const tb = Number(b.slice(BOOT_TIME_PREFIX.length));
    if (Number.isFinite(ta) && Number.isFinite(tb)) return Math.abs(ta - tb) < SAME_BOOT_TOLERANCE_MS;
  }
  return a === b;
}

/** Boot time from a `boot@` id, for the check-in message; undefined for opaque ids. */
export function bootTimeOf(id: string): Date | undefined {
  if (!id.startsWith(BOOT_TIME_PREFIX)) return undefined;
  const t = Number(id.slice(BOOT_TIME_PREFIX.length));
  return Number.isFinite(t) ? new Date(t) : undefined;
}
