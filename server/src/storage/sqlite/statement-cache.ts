import type BetterSqlite3 from 'better-sqlite3';

/** Distinct statements kept prepared (queries with `in (?, ?, …)` lists of varying length each count once). */
const DEFAULT_CAPACITY = 500;

/**
 * The connection as Kysely sees it, with its prepared statements kept by SQL text: Kysely
 * prepares every query it runs, and preparing costs about as much as running the small queries
 * the hot paths (job offers, job results, audit appends) are made of. Least recently used
 * statements are dropped past `capacity`. Kysely runs one query at a time on the connection and
 * this server streams no query, so a statement is never reused while it is still iterating.
 */
export function withStatementCache(raw: BetterSqlite3.Database, capacity = DEFAULT_CAPACITY): { close(): void; prepare(sql: string): BetterSqlite3.Statement } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit) {
        // Map order is insertion order: re-inserting marks it most recently used.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = raw.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
  };
}
