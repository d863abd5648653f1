import type { AvailableUpdate, DeviceFacts, InstalledPackage, Inventory } from '@patchwave/shared';
import { DeviceFacts as DeviceFactsSchema } from '@patchwave/shared';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { Criticality } from '../domain/devices/device.js';
import { InventoryService } from '../domain/inventory/inventory-service.js';
import { inventoryHash } from '../domain/inventory/inventory-hash.js';
import { hashSecret } from '../domain/secrets.js';
import type { Store } from '../domain/store.js';

/**
 * A plausible fleet written through the real repositories and the real inventory service (the
 * same code an agent's report goes through), for browser tests and benchmarks that need hundreds
 * or thousands of devices quickly. Deterministic for a given seed.
 */
export interface SeedOptions {
  count: number;
  /** Installed packages per device (default 40). */
  packages?: number;
  /** Hostname prefix (default `node`): hosts are `node-00001`, `node-00002`, … */
  prefix?: string;
  seed?: number;
  now?: Date;
}

const OSES: DeviceFacts['os'][] = [
  { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm', id: 'debian', kernel: '6.1.0-26-amd64', arch: 'x64' },
  { platform: 'linux', distro: 'Ubuntu', release: '24.04', codename: 'noble', id: 'ubuntu', kernel: '6.8.0-45-generic', arch: 'x64' },
  { platform: 'linux', distro: 'Rocky Linux', release: '9.4', id: 'rocky', kernel: '5.14.0-427.el9.x86_64', arch: 'x64' },
  { platform: 'win32', distro: 'Microsoft Windows 11 Pro', release: '10.0.22631', kernel: '10.0.22631', arch: 'x64' },
  { platform: 'darwin', distro: 'macOS', release: '14.6', kernel: '23.6.0', arch: 'arm64' },
];
const MANAGER = { linux: 'apt', win32: 'winget', darwin: 'brew' } as const;
const CRITICALITY: Criticality[] = ['low', 'medium', 'medium', 'high', 'critical'];

/** A small deterministic PRNG (mulberry32), so two runs seed the same fleet. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const fixedClock = (at: Date): Clock => ({ now: () => at });

export function seedHostname(prefix: string, i: number): string {
  return `${prefix}-${String(i).padStart(5, '0')}`;
}

/** Inserts `count` devices with inventories; returns their ids in hostname order. */
export async function seedFleet(store: Store, options: SeedOptions): Promise<string[]> {
  const rnd = random(options.seed ?? 7);
  const now = options.now ?? new Date();
  const prefix = options.prefix ?? 'node';
  const packageCount = options.packages ?? 40;
  const inventory = new InventoryService(store, fixedClock(now));
  const ids: string[] = [];
  for (let i = 1; i <= options.count; i += 1) {
    const os = OSES[Math.floor(rnd() * OSES.length)] as DeviceFacts['os'];
    const hostname = seedHostname(prefix, i);
    const manager = os.platform === 'linux' ? (os.id === 'rocky' ? 'dnf' : 'apt') : MANAGER[os.platform as 'win32' | 'darwin'];
    const facts = DeviceFactsSchema.parse({
      hostname,
      os,
      hardware: { manufacturer: 'QEMU', model: 'Standard PC', virtual: true, cpu: { brand: 'Intel Xeon', cores: 2 + (i % 6) }, memoryBytes: 4_294_967_296 * (1 + (i % 4)) },
      network: [{ name: 'eth0', mac: '52:54:00:00:00:01', ipv4: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], ipv6: [], internal: false }],
      uptimeSeconds: Math.floor(rnd() * 3_000_000),
    });
    const id = randomUUID();
    // Enrolled within the last 180 days, last seen from seconds to 60 days ago (most recently).
    const enrolledAt = new Date(now.getTime() - Math.floor(rnd() * 180 * 86_400_000));
    await store.devices.insert({
      id,
      hostname,
      facts,
      agentVersion: '0.1.0',
      credentialHash: hashSecret(`pwa_seed_${id}`),
      enrollmentTokenId: null,
      tags: [`env=${rnd() < 0.7 ? 'prod' : 'staging'}`, ...(rnd() < 0.3 ? ['web'] : [])],
      criticality: CRITICALITY[Math.floor(rnd() * CRITICALITY.length)] as Criticality,
      enrolledAt,
    });
    const packages: InstalledPackage[] = Array.from({ length: packageCount }, (_, p) => ({
      manager,
      name: `lib-${String(p).padStart(3, '0')}`,
      version: `1.${p}.${i % 10}-1`,
      arch: os.platform === 'linux' ? 'amd64' : '',
    }));
    const updateCount = Math.floor(rnd() * rnd() * 12);
    const updates: AvailableUpdate[] = packages.slice(0, updateCount).map((p, u) => ({
      manager,
      name: p.name,
      arch: p.arch,
      installedVersion: p.version,
      candidateVersion: `${p.version}+1`,
      security: u % 3 === 0,
      advisories: u % 3 === 0 ? [`DSA-${5000 + u}-1`] : [],
      cves: u % 3 === 0 ? [`CVE-2025-${10000 + u}`] : [],
    }));
    const inv: Inventory = {
      collectedAt: now.toISOString(),
      facts,
      managers: [{ name: manager, version: '1.0', ok: true }],
      packages,
      updates,
      reboot: { required: rnd() < 0.12, reasons: [], packages: [] },
    };
    const outcome = await inventory.report(id, { kind: 'full', hash: inventoryHash(inv), inventory: inv });
    if (!outcome.ok) throw new Error(`seeding ${hostname}: ${outcome.message}`);
    const seenAgo = Math.min(rnd() < 0.8 ? rnd() * 3_600_000 : rnd() * 60 * 86_400_000, now.getTime() - enrolledAt.getTime());
    await store.devices.touch(id, new Date(now.getTime() - seenAgo));
    ids.push(id);
  }
  return ids;
}
