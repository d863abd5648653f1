import type { Selectable } from 'kysely';
import type { Page } from '../../../domain/paging.js';
import type { FeedImportRecord, FeedImportRepository, FeedOrigin } from '../../../domain/vulnerabilities/ports.js';
import type { Db } from '../rows.js';
import type { FeedImportsTable } from '../schema-vulnerabilities.js';

function toRecord(r: Selectable<FeedImportsTable>): FeedImportRecord {
  return {
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    actor: r.actor,
    origin: r.origin as FeedOrigin,
    sources: JSON.parse(r.sources_json) as FeedImportRecord['sources'],
    counts: JSON.parse(r.counts_json) as FeedImportRecord['counts'],
    findings: JSON.parse(r.findings_json) as FeedImportRecord['findings'],
    warnings: JSON.parse(r.warnings_json) as FeedImportRecord['warnings'],
  };
}

/** One row per feed import: who, when, which files (with their SHA-256) and what it changed. */
export class SqliteFeedImportRepository implements FeedImportRepository {
  constructor(private readonly db: Db) {}

  async begin(record: Pick<FeedImportRecord, 'id' | 'startedAt' | 'actor' | 'origin' | 'sources'>): Promise<void> {
    await this.db
      .insertInto('feed_imports')
      .values({
        id: record.id,
        started_at: record.startedAt,
        finished_at: record.startedAt,
        actor: record.actor,
        origin: record.origin,
        sources_json: JSON.stringify(record.sources),
        counts_json: '{}',
        findings_json: '{}',
        warnings_json: '[]',
      })
      .execute();
  }

  async finish(id: string, done: Pick<FeedImportRecord, 'finishedAt' | 'counts' | 'findings' | 'warnings'>): Promise<void> {
    await this.db
      .updateTable('feed_imports')
      .set({
        finished_at: done.finishedAt,
        counts_json: JSON.stringify(done.counts),
        findings_json: JSON.stringify(done.findings),
        warnings_json: JSON.stringify(done.warnings),
      })
      .where('id', '=', id)
      .execute();
  }

  async get(id: string): Promise<FeedImportRecord | null> {
    const row = await this.db.selectFrom('feed_imports').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(limit: number, offset: number): Promise<Page<FeedImportRecord>> {
    const { total } = await this.db.selectFrom('feed_imports').select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await this.db.selectFrom('feed_imports').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return { items: rows.map(toRecord), total: Number(total), limit, offset };
  }
}
