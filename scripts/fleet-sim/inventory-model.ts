import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { inventoryHashInput, packageKey, type AvailableUpdate, type DeviceFacts, type InstalledPackage, type Inventory } from '@patchwave/shared';
import { parseAptUpdates } from '../../agent/src/pkg/apt/parse-apt-sim.js';
import { parseDpkgQuery } from '../../agent/src/pkg/apt/parse-dpkg-query.js';

/**
 * The simulated devices' inventories, built from a real Debian 12 capture (fixtures/, with their
 * provenance) read through the agent's own apt parsers: 825 installed packages from
 * `dpkg-query -W` and 121 upgrades from `apt-get -s dist-upgrade`. A fleet needs about 2,000
 * packages per device, so the 825 real rows are extended with their companion packages the way
 * Debian names them (`-doc`, `-dbgsym`, `-dev`, `-common`, `-data`, same version and source) until
 * the wanted count; below 825 the first N real rows are taken.
 *
 * Per device, a seeded PRNG varies about 2% of the packages (older versions, a few missing) and
 * which of the real upgrades it still lacks, so no two devices hash alike. A device keeps only its
 * differences from the shared base, so 20,000 simulated devices share one package table.
 */

/** Set by the worker bundle (which lives in a temp dir); from the sources, this folder's fixtures/. */
declare const FLEET_SIM_FIXTURES: string | undefined;
const FIXTURES = typeof FLEET_SIM_FIXTURES === 'string' ? pathToFileURL(FLEET_SIM_FIXTURES) : new URL('./fixtures/', import.meta.url);
/** Upgrades pending on every simulated device (deployment benchmarks install them one by one). */
export const RESERVED_UPDATES = 4;
const BOOT_EPOCH = Date.parse('2026-11-01T00:00:00Z');
const SUFFIXES = ['-doc', '-dbgsym', '-dev', '-common', '-data', '-tests', '-bin', '-utils'];

export interface InventoryBase {
  packages: readonly InstalledPackage[];
  updates: readonly AvailableUpdate[];
}

let real: { packages: InstalledPackage[]; updates: AvailableUpdate[] } | undefined;

function realCapture(): { packages: InstalledPackage[]; updates: AvailableUpdate[] } {
  if (!real) {
    const installed = parseDpkgQuery(readFileSync(new URL('dpkg-query-W-tsv.bookworm.tsv', FIXTURES), 'utf8'));
    const updates = parseAptUpdates(readFileSync(new URL('apt-get-s-dist-upgrade.bookworm.txt', FIXTURES), 'utf8'));
    if (installed.problems.length || updates.problems.length) {
      throw new Error(`fleet-sim fixtures did not parse: ${JSON.stringify([...installed.problems, ...updates.problems].slice(0, 3))}`);
    }
    real = { packages: installed.value.packages, updates: updates.value };
  }
  return real;
}

/** The shared package table of `count` packages (sorted by key) and the real upgrades that apply to it. */
export function inventoryBase(count: number): InventoryBase {
  if (!Number.isInteger(count) || count < 1 || count > 50_000) throw new RangeError(`packages must be an integer in 1..50000 (got ${count})`);
  const { packages, updates } = realCapture();
  const out = packages.slice(0, count);
  const names = new Set(out.map((p) => packageKey(p)));
  for (let round = 0; out.length < count && round < SUFFIXES.length; round++) {
    for (const p of packages) {
      if (out.length >= count) break;
      const derived = { ...p, name: `${p.name}${SUFFIXES[round]}` };
      if (names.has(packageKey(derived))) continue;
      names.add(packageKey(derived));
      out.push(derived);
    }
  }
  if (out.length < count) throw new RangeError(`cannot derive ${count} packages from the capture (got ${out.length})`);
  out.sort((a, b) => (packageKey(a) < packageKey(b) ? -1 : 1));
  const present = new Set(out.map((p) => packageKey(p)));
  return { packages: out, updates: updates.filter((u) => present.has(packageKey(u))) };
}

/** mulberry32: a small deterministic PRNG, so that device N looks the same in every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * One simulated device's inventory: the base plus its own differences (`overrides`: key → version,
 * null = not installed). Materialised only when a full report or a hash is needed.
 */
export class DeviceInventory {
  /** package key → version on this device (null: absent), where it differs from the base. */
  private readonly overrides = new Map<string, string | null>();
  /** Upgrades already applied (by key): no longer offered. */
  private readonly applied = new Set<string>();
  private cachedHash: string | null = null;
  private readonly bootedAt: number;

  constructor(
    private readonly base: InventoryBase,
    readonly index: number,
    readonly hostname: string,
  ) {
    const rnd = seededRandom(index * 7919 + 17);
    // The first RESERVED upgrades are pending on every device: the benchmarks deploy them.
    const reserved = new Set(base.updates.slice(0, RESERVED_UPDATES).map((u) => packageKey(u)));
    for (const p of base.packages) {
      if (reserved.has(packageKey(p))) continue;
      const r = rnd();
      if (r < 0.005) this.overrides.set(packageKey(p), null);
      else if (r < 0.02) this.overrides.set(packageKey(p), `${p.version}~sim${1 + Math.floor(rnd() * 9)}`);
    }
    // Some devices are further along: a share of the real upgrades is already installed.
    for (const u of base.updates.slice(RESERVED_UPDATES)) if (rnd() < 0.1) this.applied.add(packageKey(u));
    // Deterministic (the boot time is part of the hashed facts): a restarted simulator hashes alike.
    this.bootedAt = BOOT_EPOCH - Math.floor(rnd() * 30 * 86_400_000);
  }

  packages(): InstalledPackage[] {
    const out: InstalledPackage[] = [];
    for (const p of this.base.packages) {
      const key = packageKey(p);
      const updated = this.applied.has(key) ? this.candidateOf(key) : undefined;
      const v = updated ?? (this.overrides.has(key) ? this.overrides.get(key) : p.version);
      if (v === null || v === undefined) continue;
      out.push(v === p.version ? p : { ...p, version: v });
    }
    return out;
  }

  updates(): AvailableUpdate[] {
    const out: AvailableUpdate[] = [];
    for (const u of this.base.updates) {
      const key = packageKey(u);
      if (this.applied.has(key) || this.overrides.get(key) === null) continue;
      const installed = this.overrides.get(key) ?? u.installedVersion;
      out.push(installed === u.installedVersion ? u : { ...u, installedVersion: installed ?? null });
    }
    return out;
  }

  /** Installed version of a package on this device (null: not installed). */
  versionOf(name: string, arch?: string): { manager: string; name: string; arch: string; version: string | null; candidate: string | null } | null {
    const p = this.base.packages.find((x) => x.name === name && (arch === undefined || x.arch === arch || x.arch === 'all'));
    if (!p) return null;
    const key = packageKey(p);
    const candidate = this.candidateOf(key) ?? null;
    const version = this.applied.has(key) ? candidate : this.overrides.has(key) ? (this.overrides.get(key) ?? null) : p.version;
    return { manager: p.manager, name: p.name, arch: p.arch, version, candidate };
  }

  /** Installs the candidate of `name` (a job); returns the version before, or null when nothing changed. */
  upgrade(name: string, arch?: string): { before: string | null; after: string } | null {
    const v = this.versionOf(name, arch);
    if (!v || !v.candidate || v.version === v.candidate) return null;
    this.applied.add(packageKey(v));
    this.cachedHash = null;
    return { before: v.version, after: v.candidate };
  }

  /** A routine change on the host (an unattended upgrade): one more real upgrade installed. */
  drift(rnd: () => number): boolean {
    const pending = this.base.updates.filter((u) => !this.applied.has(packageKey(u)) && this.overrides.get(packageKey(u)) !== null);
    const pick = pending[Math.floor(rnd() * pending.length)];
    if (!pick) return false;
    this.applied.add(packageKey(pick));
    this.cachedHash = null;
    return true;
  }

  facts(): DeviceFacts {
    const i = this.index;
    return {
      hostname: this.hostname,
      os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm', id: 'debian', kernel: '6.1.0-26-amd64', arch: 'x64' },
      hardware: { manufacturer: 'QEMU', model: 'Standard PC (Q35 + ICH9, 2009)', virtual: true, cpu: { brand: 'AMD EPYC', cores: 2 + (i % 7) }, memoryBytes: 2 ** 30 * (2 + (i % 15)) },
      disks: [{ mount: '/', fsType: 'ext4', sizeBytes: 64 * 2 ** 30, usedBytes: (10 + (i % 40)) * 2 ** 30 }],
      network: [{ name: 'eth0', mac: `52:54:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`, ipv4: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], ipv6: [], internal: false }],
      uptimeSeconds: Math.floor((Date.now() - this.bootedAt) / 1000),
      lastBootAt: new Date(this.bootedAt).toISOString(),
      timezone: 'UTC',
    };
  }

  inventory(): Inventory {
    return {
      collectedAt: new Date().toISOString(),
      facts: this.facts(),
      managers: [{ name: 'apt', version: '2.6.1', ok: true }],
      packages: this.packages(),
      updates: this.updates(),
      reboot: { required: false, reasons: [], packages: [] },
    };
  }

  /** SHA-256 of the inventory's stable content, as the agent computes it (cached until a change). */
  hash(inventory: Inventory = this.inventory()): string {
    if (this.cachedHash === null) this.cachedHash = createHash('sha256').update(inventoryHashInput(inventory), 'utf8').digest('hex');
    return this.cachedHash;
  }

  private candidateOf(key: string): string | undefined {
    return this.base.updates.find((u) => packageKey(u) === key)?.candidateVersion;
  }
}

function hex(n: number): string {
  return (n & 255).toString(16).padStart(2, '0');
}
