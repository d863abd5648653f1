import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Migration } from './migrations/index.js';
import type { Database } from './schema.js';

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies pending migrations in order, each in its own transaction with its bookkeeping row.
 * Refuses a database that has migrations this build does not know (it was written by a newer
 * server), or whose applied migrations are not a prefix of this build's list.
 */
export async function migrate(db: Kysely<Database>, migrations: readonly Migration[], now: () => Date): Promise<MigrationReport> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`.execute(db);
  const rows = await db.selectFrom('schema_migrations').select('id').orderBy('id').execute();
  const known = migrations.map((m) => m.id);
  const unknown = rows.map((r) => r.id).filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new Error(`database has migrations this server does not know (${unknown.join(', ')}): it was written by a newer patchwave server`);
  }
  const applied = new Set(rows.map((r) => r.id));
  const done: string[] = [];
  let gapAt: string | null = null;
  for (const migration of migrations) {
    if (applied.has(migration.id)) {
      if (gapAt) throw new Error(`migration ${gapAt} is missing but the later ${migration.id} was applied`);
      continue;
    }
    gapAt ??= migration.id;
    try {
      await db.transaction().execute(async (trx) => {
        await migration.up(trx);
        await trx.insertInto('schema_migrations').values({ id: migration.id, applied_at: now().toISOString() }).execute();
      });
    } catch (err) {
      throw new Error(`migration ${migration.id} failed: ${(err as Error).message}`, { cause: err });
    }
    done.push(migration.id);
  }
  return { applied: done, alreadyApplied: applied.size };
}
