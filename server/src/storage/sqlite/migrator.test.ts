import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrate } from './migrator.js';
import { openSqliteStore } from './sqlite-store.js';

let dir: string;
const now = () => new Date('2026-01-01T00:00:00Z');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-migrate-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('apply once, in order, and are skipped on the next start', async () => {
    const file = join(dir, 'db.sqlite');
    const first = await openSqliteStore(file, now);
    expect(first.migrations).toEqual({ applied: MIGRATIONS.map((m) => m.id), alreadyApplied: 0 });
    await first.close();
    const second = await openSqliteStore(file, now);
    expect(second.migrations).toEqual({ applied: [], alreadyApplied: MIGRATIONS.length });
    await second.close();
  });

  it('have ids that sort in the order they are listed and are unique', () => {
    const ids = MIGRATIONS.map((m) => m.id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^\d{4}-[a-z0-9-]+$/);
  });

  it('leave package history indexed by device only: what the history page reads, and nothing each report must also maintain', async () => {
    const store = await openSqliteStore(join(dir, 'db.sqlite'), now);
    const indexes = (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'package_history' AND name NOT LIKE 'sqlite_%' ORDER BY name`.execute(store.db)).rows;
    expect(indexes.map((i) => i.name)).toEqual(['package_history_device', 'package_history_report']);
    const plan = (await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT * FROM package_history WHERE device_id = ${'d'} AND name LIKE ${'%ssl%'} ORDER BY observed_at DESC, id DESC`.execute(store.db)).rows;
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX package_history_device/);
    await store.close();
  });

  it('open the database with WAL, foreign keys and a busy timeout', async () => {
    const store = await openSqliteStore(join(dir, 'db.sqlite'), now);
    const pragma = async (name: string) => Object.values((await sql.raw(`PRAGMA ${name}`).execute(store.db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    await store.close();
  });

  it('refuse a database written by a newer server', async () => {
    const file = join(dir, 'db.sqlite');
    await (await openSqliteStore(file, now)).close();
    const raw = new BetterSqlite3(file);
    raw.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run('9999-from-the-future', now().toISOString());
    raw.close();
    await expect(openSqliteStore(file, now)).rejects.toThrow('9999-from-the-future');
  });

  it('roll back a failing migration completely', async () => {
    const handle = openSqlite(join(dir, 'db.sqlite'));
    const broken = {
      id: '0002-broken',
      async up(db: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) {
        await sql`CREATE TABLE half_done (x INTEGER)`.execute(db);
        await sql`THIS IS NOT SQL`.execute(db);
      },
    };
    await expect(migrate(handle.db, [...MIGRATIONS, broken], now)).rejects.toThrow('migration 0002-broken failed');
    const tables = (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(handle.db)).rows.map((r) => r.name);
    expect(tables).not.toContain('half_done');
    expect(tables).toContain('devices');
    await handle.close();
  });
});
