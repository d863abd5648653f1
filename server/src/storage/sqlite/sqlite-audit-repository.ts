import type { AuditDraft, AuditEntry, AuditHead } from '../../domain/audit/audit-entry.js';
import type { AuditQuery, AuditRepository, AuditSealer } from '../../domain/audit/audit-repository.js';
import type { Db } from './rows.js';
import { iso, parseJson, toDate } from './rows.js';
import type { AuditLogTable } from './schema.js';

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    seq: row.seq,
    at: toDate(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: parseJson<Record<string, unknown>>(row.details_json, {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export class SqliteAuditRepository implements AuditRepository {
  constructor(private readonly db: Db) {}

  async append(draft: AuditDraft, seal: AuditSealer): Promise<AuditEntry> {
    // Reading the head and inserting must not interleave with another append: inside a
    // transaction they cannot (Kysely holds SQLite's one connection for it); otherwise open one.
    if (this.db.isTransaction) return this.appendIn(this.db, draft, seal);
    return this.db.transaction().execute((trx) => this.appendIn(trx, draft, seal));
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_log').selectAll().where('seq', '>', query.afterSeq ?? 0);
    if (query.action) q = q.where('action', '=', query.action);
    if (query.actor) q = q.where('actor', '=', query.actor);
    if (query.target) q = q.where('target', '=', query.target);
    const rows = await q.orderBy('seq').limit(query.limit).execute();
    return rows.map(toEntry);
  }

  async head(): Promise<AuditHead | null> {
    return headOf(this.db);
  }

  private async appendIn(db: Db, draft: AuditDraft, seal: AuditSealer): Promise<AuditEntry> {
    const entry = seal(await headOf(db), draft);
    await db
      .insertInto('audit_log')
      .values({
        seq: entry.seq,
        at: iso(entry.at),
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        details_json: JSON.stringify(entry.details),
        prev_hash: entry.prevHash,
        hash: entry.hash,
      })
      .execute();
    return entry;
  }
}

async function headOf(db: Db): Promise<AuditHead | null> {
  const row = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ?? null;
}
