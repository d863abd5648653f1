import { compareVersions } from '@patchwave/shared';
import type { AffectedBinary } from '@patchwave/shared';
import type { Advisory } from '../advisories/advisory.js';
import type { AffectedIndex, IndexChange } from './affected-index.js';
import { evaluateAffected } from './affected-range.js';
import type { DeviceEcosystem } from './ecosystem.js';
import type { DevicePackages, InstalledIndex } from './installed-index.js';
import { sameMatchable } from './matchable.js';
import type { MatchablePackage } from './matchable.js';

/** One advisory affecting one package group on one device: what becomes (or keeps) a finding. */
export interface MatchHit {
  deviceId: string;
  advisoryId: string;
  /** Ecosystem key of the advisory entry that matched (`Debian:12`, `Ubuntu:Pro:22.04`). */
  ecosystem: string;
  group: string;
  /** Lowest affected version among the group's binaries. */
  installedVersion: string;
  fixedVersion: string | null;
  binaries: AffectedBinary[];
  via: 'range' | 'versions';
}

/** Hits for a device; `scope` says which groups were evaluated, so findings outside it are left alone. */
export interface DeviceMatch {
  deviceId: string;
  scope: 'all' | { groups: string[] };
  hits: MatchHit[];
  /** Matchables evaluated (cache hits included). */
  evaluated: number;
}

export interface AdvisoryMatch {
  advisoryId: string;
  change: IndexChange;
  hits: MatchHit[];
  /** Devices that have a package the advisory names (before or after the change). */
  devicesEvaluated: string[];
}

interface KeyMemo {
  versions: string[];
  verdicts: Verdict[][];
}

interface Verdict {
  advisoryId: string;
  ecosystemKey: string;
  via: 'range' | 'versions';
  fixedVersion: string | null;
}

/**
 * Incremental matching. The verdict for (lookups, package key, version) is cached: a fleet runs
 * the same versions, so a full match evaluates each distinct version once and every other device
 * costs an array lookup (by the installed index's key id) and a string compare. The cache of a
 * package key is dropped when an advisory naming it changes.
 */
export class Matcher {
  /** lookups signature → (key id → verdicts per version seen; few versions per key, so a short list). */
  private readonly memo = new Map<string, (KeyMemo | undefined)[]>();

  constructor(
    private readonly affected: AffectedIndex,
    private readonly installed: InstalledIndex,
  ) {}

  matchDevice(deviceId: string): DeviceMatch {
    const d = this.installed.device(deviceId);
    if (!d) return { deviceId, scope: 'all', hits: [], evaluated: 0 };
    return { deviceId, scope: 'all', hits: this.evaluate(deviceId, d.ecosystem, d.packages, d.keyIds), evaluated: d.packages.length };
  }

  /** A new inventory: replaces the device's packages and evaluates only the groups that changed. */
  updateDevice(deviceId: string, ecosystem: DeviceEcosystem, packages: readonly MatchablePackage[]): DeviceMatch {
    const found = this.installed.device(deviceId);
    // Copy what the index may reuse: a storage-backed index returns fresh objects anyway.
    const before = found ? { ecosystem: found.ecosystem, packages: found.packages, keyIds: Int32Array.from(found.keyIds) } : undefined;
    const sameLookups = before !== undefined && before.ecosystem.lookups.join('|') === ecosystem.lookups.join('|');
    this.installed.setDevice(deviceId, ecosystem, packages);
    const now = this.installed.device(deviceId) as DevicePackages;
    if (!before || !sameLookups) {
      return { deviceId, scope: 'all', hits: this.evaluate(deviceId, ecosystem, now.packages, now.keyIds), evaluated: now.packages.length };
    }
    const changed = changedGroups(before, now);
    const subset: MatchablePackage[] = [];
    const keyIds: number[] = [];
    now.packages.forEach((p, i) => {
      if (!changed.has(p.group)) return;
      subset.push(p);
      keyIds.push(now.keyIds[i] as number);
    });
    return { deviceId, scope: { groups: [...changed] }, hits: this.evaluate(deviceId, ecosystem, subset, keyIds), evaluated: subset.length };
  }

  removeDevice(deviceId: string): void {
    this.installed.removeDevice(deviceId);
  }

  /** A new or changed (or withdrawn) advisory: evaluates only devices with a package it names. */
  applyAdvisory(advisory: Advisory): AdvisoryMatch {
    return this.afterChange(advisory.id, this.affected.upsert(advisory));
  }

  removeAdvisory(advisoryId: string): AdvisoryMatch {
    return this.afterChange(advisoryId, this.affected.remove(advisoryId));
  }

  private afterChange(advisoryId: string, change: IndexChange): AdvisoryMatch {
    const perDevice = new Map<string, { ecosystem: DeviceEcosystem; packages: MatchablePackage[]; keyIds: number[] }>();
    for (const { ecosystemKey, name } of change.keys) {
      for (const [sig, byKeyId] of this.memo) {
        const lookups = sig.split('|');
        if (!lookups.includes(ecosystemKey)) continue;
        const id = this.installed.keyIdOf(lookups[0] as string, name);
        if (id !== undefined) byKeyId[id] = undefined;
      }
      for (const primary of this.installed.primaryKeysFor(ecosystemKey)) {
        for (const e of this.installed.withPackage(primary, name)) {
          if (!e.ecosystem.lookups.includes(ecosystemKey)) continue;
          const d = perDevice.get(e.deviceId);
          if (d) {
            d.packages.push(e.package);
            d.keyIds.push(e.keyId);
          } else perDevice.set(e.deviceId, { ecosystem: e.ecosystem, packages: [e.package], keyIds: [e.keyId] });
        }
      }
    }
    const hits: MatchHit[] = [];
    for (const [deviceId, d] of perDevice) {
      for (const h of this.evaluate(deviceId, d.ecosystem, d.packages, d.keyIds)) if (h.advisoryId === advisoryId) hits.push(h);
    }
    return { advisoryId, change, hits, devicesEvaluated: [...perDevice.keys()] };
  }

  private compute(eco: DeviceEcosystem, p: MatchablePackage): Verdict[] {
    const out: Verdict[] = [];
    for (const lookup of eco.lookups) {
      for (const c of this.affected.lookup(lookup, p.name)) {
        const v = evaluateAffected(c, p.version);
        if (v) out.push({ advisoryId: c.advisoryId, ecosystemKey: c.ecosystemKey, via: v.via, fixedVersion: v.fixedVersion });
      }
    }
    return out;
  }

  private evaluate(deviceId: string, eco: DeviceEcosystem, packages: readonly MatchablePackage[], keyIds: ArrayLike<number>): MatchHit[] {
    const sig = eco.lookups.join('|');
    let byKeyId = this.memo.get(sig);
    if (!byKeyId) this.memo.set(sig, (byKeyId = []));
    let hits: Map<string, MatchHit> | undefined;
    for (let i = 0; i < packages.length; i++) {
      const p = packages[i] as MatchablePackage;
      const k = keyIds[i] as number;
      let m = byKeyId[k];
      if (!m) byKeyId[k] = m = { versions: [], verdicts: [] };
      let at = m.versions.indexOf(p.version);
      if (at < 0) {
        at = m.versions.push(p.version) - 1;
        m.verdicts.push(this.compute(eco, p));
      }
      const verdicts = m.verdicts[at] as Verdict[];
      if (verdicts.length === 0) continue;
      hits ??= new Map();
      for (const v of verdicts) merge(hits, deviceId, eco, p, v);
    }
    return hits ? [...hits.values()] : [];
  }
}

function merge(hits: Map<string, MatchHit>, deviceId: string, eco: DeviceEcosystem, p: MatchablePackage, v: Verdict): void {
  const id = `${v.advisoryId}\u0000${p.group}`;
  const h = hits.get(id);
  if (!h) {
    hits.set(id, {
      deviceId,
      advisoryId: v.advisoryId,
      ecosystem: v.ecosystemKey,
      group: p.group,
      installedVersion: p.version,
      fixedVersion: v.fixedVersion,
      binaries: [...p.binaries],
      via: v.via,
    });
    return;
  }
  for (const b of p.binaries) if (!h.binaries.some((x) => x.name === b.name && x.arch === b.arch)) h.binaries.push(b);
  if (compareVersions(eco.scheme, p.version, h.installedVersion) < 0) h.installedVersion = p.version;
  if (v.fixedVersion && (!h.fixedVersion || compareVersions(eco.scheme, v.fixedVersion, h.fixedVersion) > 0)) h.fixedVersion = v.fixedVersion;
  if (v.via === 'range') h.via = 'range';
}

/**
 * Groups whose matchables differ between two inventories of one device. Both lists are sorted by
 * key id (as the installed index returns them), so one merge walk finds every key whose entries
 * were added, removed or changed.
 */
export function changedGroups(before: DevicePackages, now: DevicePackages): Set<string> {
  const changed = new Set<string>();
  const a = before.keyIds;
  const b = now.keyIds;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const ka = i < a.length ? (a[i] as number) : Infinity;
    const kb = j < b.length ? (b[j] as number) : Infinity;
    const k = Math.min(ka, kb);
    const i0 = i;
    const j0 = j;
    while (i < a.length && a[i] === k) i++;
    while (j < b.length && b[j] === k) j++;
    const olds = before.packages.slice(i0, i);
    const news = now.packages.slice(j0, j);
    const same = olds.length === news.length && news.every((p) => olds.some((q) => sameMatchable(p, q)));
    if (!same) for (const p of [...olds, ...news]) changed.add(p.group);
  }
  return changed;
}
