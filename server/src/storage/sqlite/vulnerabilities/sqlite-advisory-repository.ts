import type { Database as RawDatabase } from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { Advisory } from '../../../domain/advisories/advisory.js';
import type { StoredVersion } from '../../../domain/advisories/import-plan.js';
import type { AdvisoryLookup } from '../../../domain/findings/assess.js';
import type { Page } from '../../../domain/paging.js';
import type { AdvisoryQuery, AdvisoryRepository, StoredAdvisory } from '../../../domain/vulnerabilities/ports.js';
import type { Db } from '../rows.js';
import type { AdvisoriesTable } from '../schema-vulnerabilities.js';
import { prepared, withConnection } from './statements.js';

const CHUNK = 500;

function toStored(r: Selectable<AdvisoriesTable>): StoredAdvisory {
  return {
    advisory: JSON.parse(r.data_json) as Advisory,
    provenance: { importId: r.import_id, feedFile: r.feed_file, importedAt: r.imported_at, firstImportedAt: r.first_imported_at },
  };
}

/** Advisories as imported (the normalised record as JSON), with the CVEs they name for lookups. */
export class SqliteAdvisoryRepository implements AdvisoryRepository {
  constructor(
    private readonly db: Db,
    private readonly raw: RawDatabase,
  ) {}

  async storedVersions(ids: readonly string[]): Promise<Map<string, StoredVersion>> {
    const out = new Map<string, StoredVersion>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db.selectFrom('advisories').select(['id', 'hash', 'modified']).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.set(r.id, { hash: r.hash, modified: r.modified });
    }
    return out;
  }

  upsertMany(rows: readonly { advisory: Advisory; hash: string; feedFile: string }[], importId: string, at: string): Promise<void> {
    return withConnection(this.db, () => {
      const put = prepared(
        this.raw,
        `INSERT INTO advisories (id, source, modified, published, withdrawn, summary, hash, data_json, import_id, feed_file, imported_at, first_imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET source = excluded.source, modified = excluded.modified, published = excluded.published,
           withdrawn = excluded.withdrawn, summary = excluded.summary, hash = excluded.hash, data_json = excluded.data_json,
           import_id = excluded.import_id, feed_file = excluded.feed_file, imported_at = excluded.imported_at`,
      );
      const clearCves = prepared(this.raw, 'DELETE FROM advisory_cves WHERE advisory_id = ?');
      const addCve = prepared(this.raw, 'INSERT OR IGNORE INTO advisory_cves (cve, advisory_id) VALUES (?, ?)');
      for (const { advisory: a, hash, feedFile } of rows) {
        put.run(a.id, a.source, a.modified, a.published, a.withdrawn, a.summary.slice(0, 1024), hash, JSON.stringify(a), importId, feedFile, at, at);
        clearCves.run(a.id);
        for (const cve of a.cves) addCve.run(cve, a.id);
      }
    });
  }

  async get(id: string): Promise<StoredAdvisory | null> {
    const row = await this.db.selectFrom('advisories').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toStored(row) : null;
  }

  async list(query: AdvisoryQuery): Promise<Page<StoredAdvisory>> {
    let base = this.db.selectFrom('advisories');
    if (query.cve) {
      const cve = query.cve;
      base = base.where('id', 'in', (eb) => eb.selectFrom('advisory_cves').select('advisory_id').where('cve', '=', cve));
    }
    if (query.package) {
      const name = query.package;
      base = base.where('id', 'in', (eb) => eb.selectFrom('affected_entries').select('advisory_id').where('name', '=', name));
    }
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('modified', 'desc').orderBy('id').limit(query.limit).offset(query.offset).execute();
    return { items: rows.map(toStored), total: Number(total), limit: query.limit, offset: query.offset };
  }

  async count(): Promise<number> {
    const { n } = await this.db.selectFrom('advisories').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }
}

/** AdvisoryLookup on the stored table, parsed once per id for the life of the transaction. */
export function sqliteAdvisoryLookup(raw: RawDatabase): AdvisoryLookup {
  const cache = new Map<string, Advisory | undefined>();
  return (id) => {
    if (cache.has(id)) return cache.get(id);
    const row = prepared(raw, 'SELECT data_json FROM advisories WHERE id = ?').get(id) as { data_json: string } | undefined;
    const a = row ? (JSON.parse(row.data_json) as Advisory) : undefined;
    if (cache.size > 10_000) cache.clear();
    cache.set(id, a);
    return a;
  };
}
