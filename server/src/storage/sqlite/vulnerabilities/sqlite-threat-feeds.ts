import type { Database as RawDatabase } from 'better-sqlite3';
import type { EpssFeed, EpssScore } from '../../../domain/advisories/epss.js';
import type { ImportPlan, StoredVersion } from '../../../domain/advisories/import-plan.js';
import type { KevCatalog, KevEntry } from '../../../domain/advisories/kev.js';
import type { ThreatIntel } from '../../../domain/advisories/threat-intel.js';
import type { Provenance, ThreatFeedRepository, ThreatFeedState } from '../../../domain/vulnerabilities/ports.js';
import type { Db } from '../rows.js';
import { prepared, withConnection } from './statements.js';

interface FeedRow {
  feed: string;
  version: string;
  released: string;
  entries: number;
  import_id: string;
  feed_file: string;
  imported_at: string;
}

const toState = (r: FeedRow | undefined): ThreatFeedState | null =>
  r ? { version: r.version, released: r.released, entries: r.entries, provenance: { importId: r.import_id, feedFile: r.feed_file, importedAt: r.imported_at } } : null;

/** KEV entries and EPSS scores: each import replaces the whole list, keeping per-row provenance. */
export class SqliteThreatFeedRepository implements ThreatFeedRepository {
  constructor(
    private readonly db: Db,
    private readonly raw: RawDatabase,
  ) {}

  async kevVersions(): Promise<Map<string, StoredVersion>> {
    const rows = await this.db.selectFrom('kev_entries').select(['cve', 'hash']).execute();
    return new Map(rows.map((r) => [r.cve, { hash: r.hash }]));
  }

  async epssVersions(): Promise<Map<string, StoredVersion>> {
    return withConnection(this.db, () => {
      const out = new Map<string, StoredVersion>();
      for (const r of prepared(this.raw, 'SELECT cve, hash FROM epss_scores').iterate() as Iterable<{ cve: string; hash: string }>) out.set(r.cve, { hash: r.hash });
      return out;
    });
  }

  applyKev(plan: ImportPlan<KevEntry>, catalog: Pick<KevCatalog, 'catalogVersion' | 'dateReleased'>, p: Provenance): Promise<void> {
    return withConnection(this.db, () => {
      const put = prepared(this.raw, 'INSERT OR REPLACE INTO kev_entries (cve, hash, data_json, import_id, feed_file, imported_at) VALUES (?, ?, ?, ?, ?, ?)');
      for (const u of plan.upsert) put.run(u.item.cve, u.hash, JSON.stringify(u.item), p.importId, p.feedFile, p.importedAt);
      const del = prepared(this.raw, 'DELETE FROM kev_entries WHERE cve = ?');
      for (const cve of plan.remove) del.run(cve);
      this.setState('kev', catalog.catalogVersion, catalog.dateReleased, 'kev_entries', p);
    });
  }

  applyEpss(plan: ImportPlan<EpssScore>, feed: Pick<EpssFeed, 'modelVersion' | 'scoreDate'>, p: Provenance): Promise<void> {
    return withConnection(this.db, () => {
      const put = prepared(this.raw, 'INSERT OR REPLACE INTO epss_scores (cve, epss, percentile, hash, import_id) VALUES (?, ?, ?, ?, ?)');
      for (const u of plan.upsert) put.run(u.item.cve, u.item.epss, u.item.percentile, u.hash, p.importId);
      const del = prepared(this.raw, 'DELETE FROM epss_scores WHERE cve = ?');
      for (const cve of plan.remove) del.run(cve);
      this.setState('epss', feed.modelVersion, feed.scoreDate, 'epss_scores', p);
    });
  }

  async state(): Promise<{ kev: ThreatFeedState | null; epss: ThreatFeedState | null }> {
    const rows = await this.db.selectFrom('threat_feeds').selectAll().execute();
    return { kev: toState(rows.find((r) => r.feed === 'kev')), epss: toState(rows.find((r) => r.feed === 'epss')) };
  }

  async counts(): Promise<{ kev: number; epss: number }> {
    const kev = await this.db.selectFrom('kev_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const epss = await this.db.selectFrom('epss_scores').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { kev: Number(kev.n), epss: Number(epss.n) };
  }

  private setState(feed: 'kev' | 'epss', version: string, released: string, table: 'kev_entries' | 'epss_scores', p: Provenance): void {
    const entries = (prepared(this.raw, `SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    prepared(this.raw, 'INSERT OR REPLACE INTO threat_feeds (feed, version, released, entries, import_id, feed_file, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      feed,
      version,
      released,
      entries,
      p.importId,
      p.feedFile,
      p.importedAt,
    );
  }
}

/** The ThreatIntel port on the stored KEV and EPSS tables (synchronous: inside a store transaction). */
export class SqliteThreatIntel implements ThreatIntel {
  constructor(private readonly raw: RawDatabase) {}

  kev(cve: string): KevEntry | undefined {
    const row = prepared(this.raw, 'SELECT data_json FROM kev_entries WHERE cve = ?').get(cve) as { data_json: string } | undefined;
    return row ? (JSON.parse(row.data_json) as KevEntry) : undefined;
  }

  epss(cve: string): (EpssScore & { scoreDate: string }) | undefined {
    const row = prepared(this.raw, 'SELECT cve, epss, percentile FROM epss_scores WHERE cve = ?').get(cve) as EpssScore | undefined;
    if (!row) return undefined;
    const feed = prepared(this.raw, "SELECT released FROM threat_feeds WHERE feed = 'epss'").get() as { released: string } | undefined;
    return { cve: row.cve, epss: row.epss, percentile: row.percentile, scoreDate: feed?.released ?? '' };
  }
}
