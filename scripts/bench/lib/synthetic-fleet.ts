import type { InstalledPackage } from '../../../shared/src/index.js';
import type { Advisory } from '../../../server/src/domain/advisories/advisory.js';
import type { DeviceEcosystem } from '../../../server/src/domain/matching/ecosystem.js';
import { deviceEcosystem } from '../../../server/src/domain/matching/ecosystem.js';
import { matchableKey } from '../../../server/src/domain/matching/matchable.js';
import type { MatchablePackage } from '../../../server/src/domain/matching/matchable.js';

/**
 * A deterministic synthetic fleet for the matching benchmark: three OS families, a universe of
 * source packages per family with a ladder of versions each, devices that run mostly current
 * versions, and single-package advisories with ECOSYSTEM ranges (the shape of DEBIAN-CVE-…,
 * Ubuntu and Rocky records). Same seed, same fleet.
 */

export interface FleetOptions {
  devices: number;
  packagesPerDevice: number;
  ranges: number;
  universe: number;
  seed: number;
}

export interface Family {
  ecosystem: DeviceEcosystem;
  osvEcosystem: string;
  share: number;
  version: (k: number) => string;
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function eco(id: string, release: string): DeviceEcosystem {
  const r = deviceEcosystem({ platform: 'linux', distro: id, release, id, kernel: '', arch: 'x86_64' });
  if (!r.ok) throw new Error(r.reason);
  return r.ecosystem;
}

export const LADDER = 6;

export const FAMILIES: Family[] = [
  { ecosystem: eco('debian', '12'), osvEcosystem: 'Debian:12', share: 0.6, version: (k) => `2.${k}.0-1+deb12u${k}` },
  { ecosystem: eco('ubuntu', '22.04'), osvEcosystem: 'Ubuntu:22.04:LTS', share: 0.25, version: (k) => `2.${k}.0-0ubuntu0.22.04.${k}` },
  { ecosystem: eco('rocky', '9.4'), osvEcosystem: 'Rocky Linux:9', share: 0.15, version: (k) => `2.${k}.0-${k}.el9` },
];

export const pkgName = (i: number): string => `pkg${i.toString(36)}`;

/** Interned matchables: one object per (family, package, version), shared by every device that runs it. */
export class MatchableTable {
  private readonly table: MatchablePackage[][][];

  constructor(universe: number) {
    const versions = FAMILIES.map((f) => Array.from({ length: LADDER }, (_, k) => f.version(k)));
    this.table = FAMILIES.map((f, fi) =>
      Array.from({ length: universe }, (_, i) => {
        // One string per name and key, shared by the package's versions, as a store would intern them.
        const name = pkgName(i);
        const key = matchableKey(f.ecosystem.lookups[0]!, name);
        const binary = `lib${name}`;
        const mgr = f.ecosystem.managers[0]!;
        return versions[fi]!.map((version) => ({ key, name, group: name, version, binaries: [{ manager: mgr, name: binary, arch: 'amd64', version }] }));
      }),
    );
  }

  get(family: number, pkg: number, k: number): MatchablePackage {
    return this.table[family]![pkg]![k]!;
  }
}

export interface SyntheticDevice {
  id: string;
  family: number;
  packages: MatchablePackage[];
}

/** Packages 0..BASE-1 are on every device of a family (libc, openssl, systemd…). */
export const BASE = 300;

export function* devices(opts: FleetOptions, table: MatchableTable): Generator<SyntheticDevice> {
  const rand = rng(opts.seed);
  for (let d = 0; d < opts.devices; d++) {
    const x = rand();
    const family = x < FAMILIES[0]!.share ? 0 : x < FAMILIES[0]!.share + FAMILIES[1]!.share ? 1 : 2;
    const chosen = new Set<number>();
    for (let i = 0; i < Math.min(BASE, opts.packagesPerDevice); i++) chosen.add(i);
    while (chosen.size < opts.packagesPerDevice) chosen.add(BASE + Math.floor(rand() * (opts.universe - BASE)));
    const packages: MatchablePackage[] = [];
    for (const p of chosen) {
      // 90 % of installs run the newest build; the rest lag behind.
      const k = rand() < 0.9 ? LADDER - 1 : Math.floor(rand() * (LADDER - 1));
      packages.push(table.get(family, p, k));
    }
    yield { id: `dev-${d}`, family, packages };
  }
}

/** Advisories, one affected package each, until `ranges` affected ranges exist. */
export function* advisories(opts: FleetOptions): Generator<Advisory> {
  const rand = rng(opts.seed ^ 0x9e3779b9);
  for (let i = 0; i < opts.ranges; i++) {
    const f = FAMILIES[i % FAMILIES.length]!;
    const pkg = Math.floor(rand() * opts.universe);
    const fixed = 1 + Math.floor(rand() * (LADDER - 1));
    const introduced = rand() < 0.2 ? f.version(Math.floor(rand() * fixed)) : '0';
    yield {
      id: `BENCH-${i}`, source: 'osv', modified: '2025-01-01T00:00:00Z', published: '2025-01-01T00:00:00Z', withdrawn: null,
      summary: '', details: '', aliases: [], related: [], cves: [`CVE-2025-${String(10000 + i)}`], cvss: [], severityLabel: null, references: [],
      affected: [{ ecosystem: f.osvEcosystem, name: pkgName(pkg), ranges: [{ type: 'ECOSYSTEM', events: [{ introduced }, { fixed: f.version(fixed) }] }], versions: [], binaries: [], cvss: [] }],
    };
  }
}

/** The device's packages as the agent reports them (what phase 2 turns into matchables on each delta). */
export function installedOf(d: SyntheticDevice): InstalledPackage[] {
  return d.packages.flatMap((m) => m.binaries.map((b) => ({ manager: b.manager, name: b.name, version: b.version, arch: b.arch, source: { name: m.name, version: m.version } })));
}
