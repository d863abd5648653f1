import { PatchwaveError } from '@patchwave/shared';
import type { AdvisoryDetail, AdvisoryView, FeedImportResult, FeedStatus } from '@patchwave/shared';
import { toAdvisoryView } from '../advisories/advisory-view.js';
import type { Clock } from '../clock.js';
import type { Page } from '../paging.js';
import type { Store } from '../store.js';
import type { VulnerabilityConfig } from './config.js';
import type { AdvisoryQuery, FeedImportRecord, ThreatFeedState } from './ports.js';

const feedState = (s: ThreatFeedState | null) =>
  s ? { version: s.version, released: s.released, entries: s.entries, importId: s.provenance.importId, feedFile: s.provenance.feedFile, importedAt: s.provenance.importedAt } : null;

/** Stored advisories with their provenance, the state of the feeds, and the import history. */
export class AdvisoryService {
  constructor(
    private readonly store: Store,
    private readonly config: VulnerabilityConfig,
    private readonly clock: Clock,
  ) {}

  async get(id: string): Promise<AdvisoryDetail> {
    const stored = await this.store.advisories.get(id);
    if (!stored) throw new PatchwaveError('E_NOT_FOUND', `advisory ${id} not found (import it with "patchwave feeds import")`);
    const now = this.clock.now().toISOString();
    const base = { advisoryId: id, sort: 'score' as const, order: 'desc' as const, limit: 1, offset: 0 };
    const [all, active] = await Promise.all([this.store.findings.query(base, now), this.store.findings.query({ ...base, states: ['open', 'overdue'] }, now)]);
    return { ...toAdvisoryView(stored.advisory), provenance: stored.provenance, findings: { total: all.total, active: active.total } };
  }

  async list(query: AdvisoryQuery): Promise<Page<AdvisoryView>> {
    const page = await this.store.advisories.list(query);
    return { ...page, items: page.items.map((s) => toAdvisoryView(s.advisory)) };
  }

  async status(): Promise<FeedStatus> {
    const [advisories, state, edges] = await Promise.all([this.store.advisories.count(), this.store.threatFeeds.state(), this.store.supersedence.count()]);
    const r = this.config.feeds.refresh;
    return { advisories, kev: feedState(state.kev), epss: feedState(state.epss), supersedenceEdges: edges, refresh: { enabled: r.enabled, schedule: r.schedule, urls: r.urls } };
  }

  async imports(limit: number, offset: number): Promise<Page<FeedImportResult>> {
    const page = await this.store.feedImports.list(limit, offset);
    return { ...page, items: page.items.map(importView) };
  }
}

const zero = { new: 0, updated: 0, unchanged: 0, removed: 0, older: 0 };

/** A stored import record as the API shows it (records of an import that failed midway never exist: the transaction rolls back). */
export function importView(r: FeedImportRecord): FeedImportResult {
  const c = r.counts as Partial<FeedImportResult['counts']>;
  const f = r.findings as Partial<FeedImportResult['findings']>;
  return {
    id: r.id,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    actor: r.actor,
    origin: r.origin,
    sources: r.sources,
    counts: { advisories: c.advisories ?? zero, unindexedAffected: c.unindexedAffected ?? 0, kev: c.kev ?? null, epss: c.epss ?? null, supersedence: c.supersedence ?? null },
    findings: { opened: f.opened ?? 0, reopened: f.reopened ?? 0, notAffected: f.notAffected ?? 0, rescored: f.rescored ?? 0, devicesEvaluated: f.devicesEvaluated ?? 0 },
    warnings: r.warnings,
  };
}
