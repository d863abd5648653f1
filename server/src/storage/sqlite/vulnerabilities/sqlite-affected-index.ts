import type { Database as RawDatabase } from 'better-sqlite3';
import type { Advisory } from '../../../domain/advisories/advisory.js';
import { compileAdvisory } from '../../../domain/matching/affected-index.js';
import type { AffectedIndex, IndexChange } from '../../../domain/matching/affected-index.js';
import type { CompiledAffected } from '../../../domain/matching/affected-range.js';
import { matchableKey } from '../../../domain/matching/matchable.js';
import { prepared } from './statements.js';

type Stored = Omit<CompiledAffected, 'versions'> & { versions: string[] };

function toJson(c: CompiledAffected): string {
  const stored: Stored = { ...c, versions: [...c.versions] };
  return JSON.stringify(stored);
}

const NO_VERSIONS: ReadonlySet<string> = new Set();

function fromJson(text: string): CompiledAffected {
  const s = JSON.parse(text) as Stored;
  return { ...s, versions: s.versions.length === 0 ? NO_VERSIONS : new Set(s.versions) };
}

/**
 * The affected index in table `affected_entries`, looked up on (ecosystem_key, name). Compiled
 * entries (events sorted with the ecosystem's comparator) are stored as JSON, so a lookup parses
 * and never re-sorts. Synchronous on the raw connection: use inside a store transaction.
 */
export class SqliteAffectedIndex implements AffectedIndex {
  /** Parsed lookups of this transaction; entries of changed keys are dropped. */
  private readonly parsed = new Map<string, readonly CompiledAffected[]>();

  constructor(private readonly raw: RawDatabase) {}

  lookup(ecosystemKey: string, name: string): readonly CompiledAffected[] {
    const key = matchableKey(ecosystemKey, name);
    const hit = this.parsed.get(key);
    if (hit) return hit;
    const rows = prepared(this.raw, 'SELECT compiled_json FROM affected_entries WHERE ecosystem_key = ? AND name = ? ORDER BY id').all(ecosystemKey, name) as {
      compiled_json: string;
    }[];
    const entries = rows.map((r) => fromJson(r.compiled_json));
    if (this.parsed.size > 50_000) this.parsed.clear();
    this.parsed.set(key, entries);
    return entries;
  }

  upsert(advisory: Advisory): IndexChange {
    const removed = this.remove(advisory.id);
    const { entries, unindexed } = compileAdvisory(advisory);
    const keys = new Map(removed.keys.map((k) => [matchableKey(k.ecosystemKey, k.name), k]));
    const insert = prepared(this.raw, 'INSERT INTO affected_entries (advisory_id, affected_index, ecosystem_key, name, compiled_json) VALUES (?, ?, ?, ?, ?)');
    for (const e of entries) {
      insert.run(e.advisoryId, e.affectedIndex, e.ecosystemKey, e.name, toJson(e));
      const key = matchableKey(e.ecosystemKey, e.name);
      keys.set(key, { ecosystemKey: e.ecosystemKey, name: e.name });
      this.parsed.delete(key);
    }
    return { keys: [...keys.values()], unindexed };
  }

  remove(advisoryId: string): IndexChange {
    const rows = prepared(this.raw, 'SELECT DISTINCT ecosystem_key, name FROM affected_entries WHERE advisory_id = ?').all(advisoryId) as {
      ecosystem_key: string;
      name: string;
    }[];
    if (rows.length === 0) return { keys: [], unindexed: 0 };
    prepared(this.raw, 'DELETE FROM affected_entries WHERE advisory_id = ?').run(advisoryId);
    for (const r of rows) this.parsed.delete(matchableKey(r.ecosystem_key, r.name));
    return { keys: rows.map((r) => ({ ecosystemKey: r.ecosystem_key, name: r.name })), unindexed: 0 };
  }

  /** Entries stored (for tests and the benchmark). */
  get size(): number {
    return (prepared(this.raw, 'SELECT count(*) AS n FROM affected_entries').get() as { n: number }).n;
  }
}
