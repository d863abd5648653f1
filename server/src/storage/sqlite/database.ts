import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export interface SqliteHandle {
  db: Kysely<Database>;
  /** The connection under Kysely: use it only while Kysely holds it (inside a transaction). */
  raw: BetterSqlite3.Database;
  /** Closes the database after a WAL checkpoint. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens (creating when needed) the SQLite file with the pragmas the server relies on: WAL so that
 * readers never block the writer, foreign keys enforced, a busy timeout for a second process (the
 * CLI's offline commands), and `synchronous=NORMAL`, which is durable across application crashes
 * in WAL mode.
 */
export function openSqlite(file: string): SqliteHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  let closed: Promise<void> | null = null;
  return {
    db,
    raw,
    close() {
      closed ??= (async () => {
        // The checkpoint waits its turn behind queries in flight (Kysely serialises them on the one
        // connection) and folds the -wal file into the database, so a copied file is complete.
        await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
        await db.destroy();
        if (raw.open) raw.close();
      })();
      return closed;
    },
  };
}
