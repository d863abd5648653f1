import type { Advisory } from '../advisories/advisory.js';
import { compileAffected } from './affected-range.js';
import type { CompiledAffected } from './affected-range.js';
import { normalizeOsvEcosystem } from './ecosystem.js';
import { matchableKey } from './matchable.js';

/**
 * (ecosystem key, package name) → the affected entries that name it. Phase 2 backs this port with
 * a SQLite table indexed on (ecosystem_key, name); the in-memory one serves tests and the benchmark.
 */
export interface AffectedIndex {
  lookup(ecosystemKey: string, name: string): readonly CompiledAffected[];
  /** Replaces an advisory's entries; returns every (ecosystem key, name) whose entries changed. */
  upsert(advisory: Advisory): IndexChange;
  remove(advisoryId: string): IndexChange;
}

export interface IndexChange {
  /** `matchableKey(ecosystemKey, name)` of every entry added or removed. */
  keys: { ecosystemKey: string; name: string }[];
  /** Affected entries whose ecosystem no agent reports (npm, PyPI…): stored, never matched. */
  unindexed: number;
}

/** The entries of an advisory that can match OS packages. Withdrawn advisories have none. */
export function compileAdvisory(advisory: Advisory): { entries: CompiledAffected[]; unindexed: number } {
  const entries: CompiledAffected[] = [];
  let unindexed = 0;
  if (advisory.withdrawn !== null) return { entries, unindexed: advisory.affected.length };
  advisory.affected.forEach((a, i) => {
    const eco = normalizeOsvEcosystem(a.ecosystem);
    if (!eco || (a.ranges.every((r) => r.type !== 'ECOSYSTEM') && a.versions.length === 0)) {
      unindexed += 1;
      return;
    }
    entries.push(compileAffected(advisory.id, i, a, eco.key, eco.scheme));
  });
  return { entries, unindexed };
}

export class InMemoryAffectedIndex implements AffectedIndex {
  private readonly byKey = new Map<string, CompiledAffected[]>();
  private readonly byAdvisory = new Map<string, CompiledAffected[]>();

  lookup(ecosystemKey: string, name: string): readonly CompiledAffected[] {
    return this.byKey.get(matchableKey(ecosystemKey, name)) ?? [];
  }

  upsert(advisory: Advisory): IndexChange {
    const removed = this.remove(advisory.id);
    const { entries, unindexed } = compileAdvisory(advisory);
    const keys = new Map(removed.keys.map((k) => [matchableKey(k.ecosystemKey, k.name), k]));
    for (const e of entries) {
      const key = matchableKey(e.ecosystemKey, e.name);
      const list = this.byKey.get(key);
      if (list) list.push(e);
      else this.byKey.set(key, [e]);
      keys.set(key, { ecosystemKey: e.ecosystemKey, name: e.name });
    }
    if (entries.length > 0) this.byAdvisory.set(advisory.id, entries);
    return { keys: [...keys.values()], unindexed };
  }

  remove(advisoryId: string): IndexChange {
    const entries = this.byAdvisory.get(advisoryId);
    if (!entries) return { keys: [], unindexed: 0 };
    this.byAdvisory.delete(advisoryId);
    const keys = new Map<string, { ecosystemKey: string; name: string }>();
    for (const e of entries) {
      const key = matchableKey(e.ecosystemKey, e.name);
      const rest = (this.byKey.get(key) ?? []).filter((x) => x.advisoryId !== advisoryId);
      if (rest.length > 0) this.byKey.set(key, rest);
      else this.byKey.delete(key);
      keys.set(key, { ecosystemKey: e.ecosystemKey, name: e.name });
    }
    return { keys: [...keys.values()], unindexed: 0 };
  }

  get size(): number {
    let n = 0;
    for (const list of this.byKey.values()) n += list.length;
    return n;
  }
}
