import type { Database as RawDatabase, Statement } from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from '../rows.js';

/**
 * Prepared statements cached per connection and per SQL text: the matching ports run the same few
 * statements hundreds of thousands of times (a fleet-wide advisory), and preparing is the cost.
 */
const cache = new WeakMap<RawDatabase, Map<string, Statement>>();

export function prepared(raw: RawDatabase, text: string): Statement {
  let byText = cache.get(raw);
  if (!byText) cache.set(raw, (byText = new Map()));
  let s = byText.get(text);
  if (!s) byText.set(text, (s = raw.prepare(text)));
  return s;
}

/**
 * Runs synchronous raw-connection work while Kysely holds the connection: inside the caller's
 * transaction, or in one opened here, so raw statements never interleave with another transaction.
 */
export async function withConnection<T>(db: Db, fn: () => T): Promise<T> {
  if (db.isTransaction) return fn();
  return db.transaction().execute(async () => fn());
}

/** SQLite's page cache for this connection (default 2 MiB): fleet-size work (benchmarks, imports) wants more. */
export async function setPageCacheMiB(db: Db, mib: number): Promise<void> {
  await sql`PRAGMA cache_size = ${sql.raw(String(-Math.round(mib * 1024)))}`.execute(db);
}
