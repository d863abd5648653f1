import { ComplianceScope } from '@patchwave/shared';
import type { ComplianceSummary, CoverageBreakdown, Priority } from '@patchwave/shared';
import { DAY_MS, inFleetAt, inScope, isStaleAt } from '../compliance/history.js';
import type { JobOutcome } from '../compliance/history.js';
import { durationStats, ratio } from '../compliance/stats.js';
import { failureRates, slices } from '../compliance/summary.js';
import type { ComplianceDeviceRow, FixedFindingRow } from './ports.js';

/**
 * The compliance summary at `now` from maintained aggregates: per-device counts kept by every
 * finding write (and refreshed when a due date or an exception expiry passes), fixed findings
 * and due dates read by index over the period. Same definitions as `computeComplianceSummary`
 * (compliance/summary.ts), which the tests hold it to; that one reads the whole history and
 * serves past periods.
 */
export interface AggregateInput {
  devices: readonly ComplianceDeviceRow[];
  fixed: readonly FixedFindingRow[];
  /** Device ids of unfixed findings that fell due in the period. */
  unfixedDue: readonly string[];
  jobs: readonly JobOutcome[];
  from: string;
  /** The end of the period: now. */
  to: string;
  scope?: Partial<ComplianceScope>;
  staleAfterDays: number;
}

interface Coverage {
  inScope: number;
  stale: number;
  noOverdue: number;
  noMissing: number;
  open: number;
  overdue: number;
}

function coverage(devices: readonly ComplianceDeviceRow[], t: number, staleDays: number): Coverage {
  const c: Coverage = { inScope: devices.length, stale: 0, noOverdue: 0, noMissing: 0, open: 0, overdue: 0 };
  for (const d of devices) {
    const stale = isStaleAt(d, t, staleDays);
    if (stale) c.stale += 1;
    c.open += d.active;
    c.overdue += d.overdue;
    if (!stale && d.overdue === 0) c.noOverdue += 1;
    if (!stale && d.present === 0) c.noMissing += 1;
  }
  return c;
}

export function summaryFromAggregates(input: AggregateInput): ComplianceSummary {
  const scope = ComplianceScope.parse(input.scope ?? {});
  const staleDays = input.staleAfterDays;
  const from = Date.parse(input.from);
  const to = Date.parse(input.to);
  const devices = input.devices.filter((d) => inScope(d, scope) && inFleetAt(d, to));
  const during = new Set(
    input.devices.filter((d) => inScope(d, scope) && Date.parse(d.enrolledAt) <= to && (d.retiredAt === null || Date.parse(d.retiredAt) > from)).map((d) => d.id),
  );
  const all = coverage(devices, to, staleDays);

  const fromFirstSeen: number[] = [];
  const fromPublished: number[] = [];
  let met = 0;
  let slaDenominator = 0;
  for (const f of input.fixed) {
    if (!during.has(f.deviceId)) continue;
    const fixed = Date.parse(f.fixedAt);
    fromFirstSeen.push((fixed - Date.parse(f.firstSeenAt)) / DAY_MS);
    if (f.publishedAt) fromPublished.push(Math.max(0, (fixed - Date.parse(f.publishedAt)) / DAY_MS));
    slaDenominator += 1;
    if (fixed <= Date.parse(f.dueAt)) met += 1;
  }
  for (const deviceId of input.unfixedDue) if (during.has(deviceId)) slaDenominator += 1;
  const ttp = durationStats(fromFirstSeen);

  const byPriority: Record<Priority, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  for (const d of devices) for (const p of ['P1', 'P2', 'P3', 'P4'] as const) byPriority[p] += d.openByPriority[p];

  const staleDevices = devices
    .filter((d) => isStaleAt(d, to, staleDays))
    .map((d) => ({
      deviceId: d.id,
      hostname: d.hostname,
      lastSeenAt: d.lastSeenAt,
      daysSilent: d.lastSeenAt === null ? null : Math.round(((to - Date.parse(d.lastSeenAt)) / DAY_MS) * 10) / 10,
    }))
    .sort((a, b) => (b.daysSilent ?? Infinity) - (a.daysSilent ?? Infinity));

  const breakdown: CoverageBreakdown[] = slices(devices).map((s) => {
    const c = coverage(s.devices as ComplianceDeviceRow[], to, staleDays);
    return {
      dimension: s.dimension, key: s.key, devicesInScope: c.inScope, devicesStale: c.stale,
      noOverdue: ratio(c.noOverdue, c.inScope), noMissingSecurity: ratio(c.noMissing, c.inScope), openFindings: c.open, overdueFindings: c.overdue,
    };
  });

  return {
    asOf: input.to,
    period: { from: input.from, to: input.to },
    scope,
    staleAfterDays: staleDays,
    devices: { total: input.devices.length, inScope: devices.length, stale: all.stale },
    coverage: { noOverdue: ratio(all.noOverdue, all.inScope), noMissingSecurity: ratio(all.noMissing, all.inScope) },
    timeToPatch: { fromFirstSeen: ttp, fromPublished: durationStats(fromPublished) },
    mttrDays: ttp.meanDays,
    slaAttainment: ratio(met, slaDenominator),
    failureRate: failureRates(input.jobs.filter((j) => during.has(j.deviceId)), from, to),
    openFindings: { total: all.open, overdue: all.overdue, byPriority },
    staleDevices,
    breakdown,
  };
}
