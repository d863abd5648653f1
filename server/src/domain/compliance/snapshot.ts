import type { ComplianceDimension, ComplianceSnapshotRow } from '@patchwave/shared';
import { DAY_MS, acceptedAt, activeAt, existsAt, fixedAt, groupByDevice, inFleetAt, isStaleAt, overdueAt } from './history.js';
import type { ComplianceDevice, FindingHistory } from './history.js';
import { slices } from './summary.js';
import { ratio } from './stats.js';

/**
 * Daily snapshot rows: one per day and slice (the fleet, each tag, group and OS), evaluated at the
 * end of the day (UTC). A scheduled job stores one day's rows; a 90-day chart reads 90 × slices
 * rows and never recomputes. Rows hold counts and sums, so periods roll up exactly.
 */

type Counts = Omit<ComplianceSnapshotRow, 'day' | 'dimension' | 'key'>;

const zero = (): Counts => ({
  devicesInScope: 0, devicesStale: 0, devicesNoOverdue: 0, devicesNoMissingSecurity: 0, openFindings: 0, overdueFindings: 0,
  openP1: 0, openP2: 0, openP3: 0, openP4: 0, fixed: 0, fixedWithinSla: 0, fixDaysSum: 0, becameOverdue: 0,
});

function deviceCounts(d: ComplianceDevice, findings: readonly FindingHistory[], start: number, end: number, staleDays: number): Counts {
  const c = zero();
  c.devicesInScope = 1;
  const stale = isStaleAt(d, end, staleDays);
  if (stale) c.devicesStale = 1;
  let missing = false;
  for (const f of findings) {
    if (existsAt(f, end)) missing = true;
    if (activeAt(f, end)) {
      c.openFindings += 1;
      c[`open${f.score.priority}`] += 1;
    }
    if (overdueAt(f, end)) c.overdueFindings += 1;
    const fixed = fixedAt(f);
    if (fixed !== null && fixed >= start && fixed <= end) {
      c.fixed += 1;
      c.fixDaysSum += (fixed - Date.parse(f.firstSeenAt)) / DAY_MS;
      if (fixed <= Date.parse(f.dueAt)) c.fixedWithinSla += 1;
    }
    const due = Date.parse(f.dueAt);
    if (due >= start && due <= end && existsAt(f, due) && !acceptedAt(f, due)) c.becameOverdue += 1;
  }
  if (!stale && c.overdueFindings === 0) c.devicesNoOverdue = 1;
  if (!stale && !missing) c.devicesNoMissingSecurity = 1;
  return c;
}

function add(into: Counts, c: Counts): void {
  for (const k of Object.keys(c) as (keyof Counts)[]) into[k] += c[k];
}

/** The rows for `day` (YYYY-MM-DD). `devices` must describe the fleet as of that day (last seen then). */
export function snapshotRows(
  day: string,
  input: { devices: readonly ComplianceDevice[]; findings: readonly FindingHistory[]; staleAfterDays?: number },
): ComplianceSnapshotRow[] {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(start) || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  const end = start + DAY_MS - 1;
  const staleDays = input.staleAfterDays ?? 7;
  const devices = input.devices.filter((d) => inFleetAt(d, end));
  const findingsOf = groupByDevice(input.findings);
  const per = new Map<string, Counts>();
  for (const d of devices) per.set(d.id, deviceCounts(d, findingsOf.get(d.id) ?? [], start, end, staleDays));
  const row = (dimension: ComplianceDimension, key: string, ds: readonly ComplianceDevice[]): ComplianceSnapshotRow => {
    const c = zero();
    for (const d of ds) add(c, per.get(d.id) as Counts);
    c.fixDaysSum = Math.round(c.fixDaysSum * 1000) / 1000;
    return { day, dimension, key, ...c };
  };
  return [row('all', 'all', devices), ...slices(devices).map((s) => row(s.dimension, s.key, s.devices))];
}

export interface SnapshotRollup {
  series: { day: string; noOverduePercent: number | null; noMissingSecurityPercent: number | null; openFindings: number; overdueFindings: number; devicesStale: number }[];
  fixed: number;
  fixedWithinSla: number;
  mttrDays: number | null;
}

/** A chart series and period totals for one slice, from stored rows only. */
export function rollupSnapshots(rows: readonly ComplianceSnapshotRow[], slice: { dimension: ComplianceDimension; key: string }, from: string, to: string): SnapshotRollup {
  const picked = rows
    .filter((r) => r.dimension === slice.dimension && r.key === slice.key && r.day >= from && r.day <= to)
    .sort((a, b) => (a.day < b.day ? -1 : 1));
  const fixed = picked.reduce((a, r) => a + r.fixed, 0);
  const days = picked.reduce((a, r) => a + r.fixDaysSum, 0);
  return {
    series: picked.map((r) => ({
      day: r.day,
      noOverduePercent: ratio(r.devicesNoOverdue, r.devicesInScope).percent,
      noMissingSecurityPercent: ratio(r.devicesNoMissingSecurity, r.devicesInScope).percent,
      openFindings: r.openFindings,
      overdueFindings: r.overdueFindings,
      devicesStale: r.devicesStale,
    })),
    fixed,
    fixedWithinSla: picked.reduce((a, r) => a + r.fixedWithinSla, 0),
    mttrDays: fixed === 0 ? null : Math.round((days / fixed) * 100) / 100,
  };
}
