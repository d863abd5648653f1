import type { ComplianceDimension, ComplianceScope, ComplianceSeries, ComplianceSummary } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { DAY_MS } from '../compliance/history.js';
import { rollupSnapshots, snapshotRows } from '../compliance/snapshot.js';
import { computeComplianceSummary } from '../compliance/summary.js';
import type { Repositories, Store } from '../store.js';
import { summaryFromAggregates } from './compliance-summary.js';
import type { VulnerabilityConfig } from './config.js';
import { deploymentHistory } from './deployment-history.js';

export interface SummaryRequest {
  from: string;
  /** Omitted or in the future: now. */
  to?: string;
  scope?: Partial<ComplianceScope>;
  staleAfterDays?: number;
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Compliance metrics. A period ending now reads the maintained aggregates (fast: the dashboard
 * and the report); a period ending in the past is computed from the whole history with the same
 * definitions. The daily snapshot job stores one row per day and slice for 90-day charts.
 */
export class ComplianceService {
  constructor(
    private readonly store: Store,
    private readonly config: VulnerabilityConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  summary(req: SummaryRequest): Promise<ComplianceSummary> {
    return this.store.transaction((tx) => this.summaryIn(tx, req));
  }

  /** In the caller's transaction (the report reads data and the audit head together). */
  async summaryIn(tx: Repositories, req: SummaryRequest, now: Date = this.clock.now()): Promise<ComplianceSummary> {
    const to = req.to === undefined || Date.parse(req.to) >= now.getTime() ? now.toISOString() : new Date(req.to).toISOString();
    const from = new Date(req.from).toISOString();
    const staleAfterDays = req.staleAfterDays ?? this.config.staleAfterDays;
    const { jobs } = await deploymentHistory(tx, from, to);
    if (to === now.toISOString()) {
      await tx.compliance.refreshDue(to);
      const [devices, fixed, unfixedDue] = await Promise.all([tx.compliance.devices(), tx.compliance.fixedBetween(from, to), tx.compliance.unfixedDueBetween(from, to)]);
      return summaryFromAggregates({ devices, fixed, unfixedDue, jobs, from, to, ...(req.scope ? { scope: req.scope } : {}), staleAfterDays });
    }
    const history = await tx.compliance.history(to);
    return computeComplianceSummary({ ...history, jobs, from, to, asOf: now.toISOString(), ...(req.scope ? { scope: req.scope } : {}), staleAfterDays });
  }

  /** Daily points of one slice from stored snapshots, with period totals (fixed, within SLA, MTTR). */
  async series(slice: { dimension: ComplianceDimension; key: string }, fromDay: string, toDay: string): Promise<ComplianceSeries> {
    const rows = await this.store.compliance.snapshots(slice, fromDay, toDay);
    const r = rollupSnapshots(rows, slice, fromDay, toDay);
    return { dimension: slice.dimension, key: slice.key, from: fromDay, to: toDay, series: r.series, fixed: r.fixed, fixedWithinSla: r.fixedWithinSla, mttrDays: r.mttrDays };
  }

  /** Computes and stores the snapshot rows of `day` (YYYY-MM-DD), evaluated at its end, from history. */
  async snapshotDay(day: string): Promise<number> {
    const end = Date.parse(`${day}T00:00:00.000Z`) + DAY_MS - 1;
    return this.store.transaction(async (tx) => {
      const history = await tx.compliance.history(new Date(end).toISOString());
      const rows = snapshotRows(day, { ...history, staleAfterDays: this.config.staleAfterDays });
      await tx.compliance.saveSnapshots(rows, this.clock.now().toISOString());
      return rows.length;
    });
  }

  /**
   * Writes missing snapshots of the last `snapshotBackfillDays` days up to yesterday, from the day
   * the first device enrolled (the daily job after downtime, and the first start).
   */
  async backfill(): Promise<string[]> {
    const now = this.clock.now().getTime();
    const yesterday = dayOf(now - DAY_MS);
    const earliest = dayOf(now - this.config.snapshotBackfillDays * DAY_MS);
    const devices = await this.store.compliance.devices();
    if (devices.length === 0 || this.config.snapshotBackfillDays === 0) return [];
    const firstEnrolled = dayOf(Math.min(...devices.map((d) => Date.parse(d.enrolledAt))));
    const start = firstEnrolled > earliest ? firstEnrolled : earliest;
    const have = new Set(await this.store.compliance.snapshotDays(start, yesterday));
    const written: string[] = [];
    for (let t = Date.parse(`${start}T00:00:00.000Z`); dayOf(t) <= yesterday; t += DAY_MS) {
      const day = dayOf(t);
      if (have.has(day)) continue;
      // SQLite calls are synchronous: give the event loop a turn between days so that a long
      // backfill never holds requests and agent frames for more than one day's computation.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.snapshotDay(day);
      written.push(day);
    }
    if (written.length > 0) this.log.info({ days: written.length, from: written[0], to: written.at(-1) }, 'compliance snapshots written');
    return written;
  }
}
