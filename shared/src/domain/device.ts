import { z } from 'zod';
import { LIMITS } from '../limits.js';

const text = (max: number = LIMITS.shortText) => z.string().max(max);
const bytes = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const OsPlatform = z.enum(['linux', 'darwin', 'win32', 'freebsd', 'openbsd', 'sunos', 'aix', 'other']);
export type OsPlatform = z.infer<typeof OsPlatform>;

export const DiskFact = z.object({
  mount: text(),
  fsType: text(),
  sizeBytes: bytes,
  usedBytes: bytes,
});

export const NetworkInterfaceFact = z.object({
  name: text(),
  mac: text(64),
  ipv4: z.array(text(64)).max(64),
  ipv6: z.array(text(64)).max(64),
  internal: z.boolean(),
});

/** What the agent knows about its host. Volatile values (uptime, disk usage) are excluded from the inventory hash. */
export const DeviceFacts = z.object({
  hostname: text(LIMITS.hostname).min(1),
  fqdn: text(LIMITS.hostname).optional(),
  os: z.object({
    platform: OsPlatform,
    /** e.g. "Debian GNU/Linux", "macOS", "Microsoft Windows 11 Pro" */
    distro: text(),
    /** e.g. "12", "14.5", "10.0.22631" */
    release: text(),
    codename: text().optional(),
    /** os-release ID, e.g. "debian", "ubuntu", "rocky" */
    id: text().optional(),
    idLike: z.array(text()).max(16).optional(),
    kernel: text(),
    arch: text(LIMITS.arch),
    build: text().optional(),
  }),
  hardware: z.object({
    manufacturer: text().optional(),
    model: text().optional(),
    serial: text().optional(),
    virtual: z.boolean().optional(),
    cpu: z.object({ brand: text(), cores: z.number().int().nonnegative().max(65_536) }),
    memoryBytes: bytes,
  }),
  disks: z.array(DiskFact).max(256).default([]),
  network: z.array(NetworkInterfaceFact).max(256).default([]),
  uptimeSeconds: z.number().nonnegative(),
  /** ISO timestamp of the last boot. */
  lastBootAt: z.string().max(64).optional(),
  timezone: text(64).optional(),
});
export type DeviceFacts = z.infer<typeof DeviceFacts>;
