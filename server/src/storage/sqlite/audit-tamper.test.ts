import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../domain/audit/audit-log.js';
import { ManualClock } from '../../domain/clock.js';
import type { TempStore } from '../../testing/temp-store.js';
import { openTempStore } from '../../testing/temp-store.js';

let temp: TempStore;
let audit: AuditLog;

beforeEach(async () => {
  temp = await openTempStore();
  audit = new AuditLog(temp.store.audit, new ManualClock());
  for (let i = 1; i <= 6; i += 1) await audit.record(null, { actor: 'api-token:t', action: 'enrollment-token.create', target: `enrollment-token:${i}`, details: { maxUses: i } });
});
afterEach(async () => {
  await temp.cleanup();
});

/** What an attacker with the database file can do: a second connection, triggers dropped. */
function tamper(file: string, statements: string[]): void {
  const raw = new BetterSqlite3(file);
  try {
    raw.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
    for (const s of statements) raw.exec(s);
  } finally {
    raw.close();
  }
}

describe('audit log in SQLite', () => {
  it('refuses UPDATE and DELETE through its triggers', async () => {
    const raw = new BetterSqlite3(temp.file);
    try {
      expect(() => raw.exec(`UPDATE audit_log SET actor = 'x' WHERE seq = 2`)).toThrow('audit_log is append-only');
      expect(() => raw.exec('DELETE FROM audit_log WHERE seq = 2')).toThrow('audit_log is append-only');
    } finally {
      raw.close();
    }
    expect((await audit.verify()).ok).toBe(true);
  });

  it('names the seq of a row edited with SQL', async () => {
    tamper(temp.file, [`UPDATE audit_log SET details_json = '{"maxUses":1000}' WHERE seq = 4`]);
    const result = await audit.verify();
    expect(result).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'hash does not match the entry content (entry was modified)' } });
  });

  it('names the seq after a row deleted with SQL', async () => {
    tamper(temp.file, ['DELETE FROM audit_log WHERE seq = 3']);
    expect((await audit.verify()).firstBroken).toEqual({ seq: 4, reason: 'expected seq 3, found 4 (entries missing or reordered)' });
  });

  it('names the next entry when a row was edited and rehashed', async () => {
    const { createHash } = await import('node:crypto');
    const { auditHashInput } = await import('../../domain/audit/audit-entry.js');
    const [entry] = await temp.store.audit.list({ afterSeq: 1, limit: 1 });
    if (!entry) throw new Error('no entry 2');
    const forged = { ...entry, actor: 'someone-else' };
    const hash = createHash('sha256').update(auditHashInput(forged)).digest('hex');
    tamper(temp.file, [`UPDATE audit_log SET actor = 'someone-else', hash = '${hash}' WHERE seq = 2`]);
    expect((await audit.verify()).firstBroken).toEqual({ seq: 3, reason: 'prevHash does not match the hash of entry 2' });
  });
});
