import { ComplianceScope } from '@patchwave/shared';
import type { ComplianceSummary, CoverageBreakdown, DeploymentFailureRate, Priority } from '@patchwave/shared';
import { DAY_MS, activeAt, existsAt, fixedAt, groupByDevice, inFleetAt, inScope, isStaleAt, overdueAt } from './history.js';
import type { ComplianceDevice, FindingHistory, JobOutcome } from './history.js';
import { durationStats, ratio } from './stats.js';

/**
 * Compliance metrics over a period, from history:
 * - coverage at `to`: in-scope devices with no overdue finding / with no active finding at all;
 *   stale devices (silent for more than `staleAfterDays`) are in the denominator, never the numerator;
 * - time to patch: first seen → fix evidence, and advisory published → fix evidence, for findings
 *   fixed in the period; MTTR is the mean of the first;
 * - SLA attainment: findings fixed in the period on or before their due date, over those fixed in
 *   the period plus those that fell due in the period and are still not fixed (accepted risks approved
 *   before the due date and not-affected findings are left out);
 * - failure rate: failed / (failed + succeeded) device jobs that finished in the period.
 */

export interface SummaryInput {
  devices: readonly ComplianceDevice[];
  findings: readonly FindingHistory[];
  jobs: readonly JobOutcome[];
  from: string;
  to: string;
  scope?: Partial<ComplianceScope>;
  staleAfterDays?: number;
  /** When the summary is made (defaults to `to`). */
  asOf?: string;
}

interface Coverage {
  devicesInScope: number;
  devicesStale: number;
  noOverdue: number;
  noMissing: number;
  openFindings: number;
  overdueFindings: number;
}

function coverage(devices: readonly ComplianceDevice[], findingsOf: Map<string, FindingHistory[]>, t: number, staleDays: number): Coverage {
  const c: Coverage = { devicesInScope: devices.length, devicesStale: 0, noOverdue: 0, noMissing: 0, openFindings: 0, overdueFindings: 0 };
  for (const d of devices) {
    const stale = isStaleAt(d, t, staleDays);
    if (stale) c.devicesStale += 1;
    let active = 0;
    let overdue = 0;
    for (const f of findingsOf.get(d.id) ?? []) {
      if (activeAt(f, t)) active += 1;
      if (overdueAt(f, t)) overdue += 1;
    }
    // "No missing security update at all" is strict: accepted risks still miss their update.
    const missing = (findingsOf.get(d.id) ?? []).some((f) => existsAt(f, t));
    c.openFindings += active;
    c.overdueFindings += overdue;
    if (!stale && overdue === 0) c.noOverdue += 1;
    if (!stale && !missing) c.noMissing += 1;
  }
  return c;
}

function breakdownOf(dimension: CoverageBreakdown['dimension'], key: string, c: Coverage): CoverageBreakdown {
  return {
    dimension, key, devicesInScope: c.devicesInScope, devicesStale: c.devicesStale,
    noOverdue: ratio(c.noOverdue, c.devicesInScope), noMissingSecurity: ratio(c.noMissing, c.devicesInScope),
    openFindings: c.openFindings, overdueFindings: c.overdueFindings,
  };
}

/** Devices per tag, per group and per OS (a device with two tags is in both slices). */
export function slices(devices: readonly ComplianceDevice[]): { dimension: 'tag' | 'group' | 'os'; key: string; devices: ComplianceDevice[] }[] {
  const out = new Map<string, { dimension: 'tag' | 'group' | 'os'; key: string; devices: ComplianceDevice[] }>();
  const add = (dimension: 'tag' | 'group' | 'os', key: string, d: ComplianceDevice): void => {
    const id = `${dimension}\u0000${key}`;
    const s = out.get(id);
    if (s) s.devices.push(d);
    else out.set(id, { dimension, key, devices: [d] });
  };
  for (const d of devices) {
    for (const t of new Set(d.tags)) add('tag', t, d);
    for (const g of new Set(d.groups)) add('group', g, d);
    add('os', d.os, d);
  }
  return [...out.values()].sort((a, b) => (a.dimension + a.key < b.dimension + b.key ? -1 : 1));
}

export function failureRates(jobs: readonly JobOutcome[], from: number, to: number): ComplianceSummary['failureRate'] {
  const per = new Map<string, { failed: number; succeeded: number }>();
  for (const j of jobs) {
    const t = Date.parse(j.finishedAt);
    if (t < from || t > to || (j.status !== 'failed' && j.status !== 'succeeded')) continue;
    let c = per.get(j.deploymentId);
    if (!c) per.set(j.deploymentId, (c = { failed: 0, succeeded: 0 }));
    c[j.status] += 1;
  }
  const byDeployment: DeploymentFailureRate[] = [...per]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([deploymentId, c]) => ({ deploymentId, failed: c.failed, succeeded: c.succeeded, rate: ratio(c.failed, c.failed + c.succeeded) }));
  const failed = byDeployment.reduce((a, d) => a + d.failed, 0);
  const total = byDeployment.reduce((a, d) => a + d.failed + d.succeeded, 0);
  return { overall: ratio(failed, total), byDeployment };
}

export function computeComplianceSummary(input: SummaryInput): ComplianceSummary {
  const scope = ComplianceScope.parse(input.scope ?? {});
  const staleDays = input.staleAfterDays ?? 7;
  const from = Date.parse(input.from);
  const to = Date.parse(input.to);
  // Coverage is about the fleet at the end of the period; time to patch, SLA and failures count
  // every device that was in the fleet at some point of it (one retired last week still patched).
  const devices = input.devices.filter((d) => inScope(d, scope) && inFleetAt(d, to));
  const during = input.devices.filter(
    (d) => inScope(d, scope) && Date.parse(d.enrolledAt) <= to && (d.retiredAt === null || Date.parse(d.retiredAt) > from),
  );
  const ids = new Set(during.map((d) => d.id));
  const findings = input.findings.filter((f) => ids.has(f.deviceId));
  const current = new Set(devices.map((d) => d.id));
  const findingsOf = groupByDevice(findings.filter((f) => current.has(f.deviceId)));
  const all = coverage(devices, findingsOf, to, staleDays);

  const fromFirstSeen: number[] = [];
  const fromPublished: number[] = [];
  let met = 0;
  let slaDenominator = 0;
  for (const f of findings) {
    const fixed = fixedAt(f);
    const due = Date.parse(f.dueAt);
    const acceptedBeforeDue = f.exception !== null && Date.parse(f.exception.approvedAt) <= due;
    if (fixed !== null && fixed >= from && fixed <= to) {
      fromFirstSeen.push((fixed - Date.parse(f.firstSeenAt)) / DAY_MS);
      if (f.advisoryPublishedAt) fromPublished.push(Math.max(0, (fixed - Date.parse(f.advisoryPublishedAt)) / DAY_MS));
      slaDenominator += 1;
      if (fixed <= due) met += 1;
    } else if (fixed === null && f.status !== 'not_affected' && !acceptedBeforeDue && due >= from && due <= to && existsAt(f, due)) {
      slaDenominator += 1;
    }
  }
  const ttp = durationStats(fromFirstSeen);

  const byPriority: Record<Priority, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  for (const f of findings) if (current.has(f.deviceId) && activeAt(f, to)) byPriority[f.score.priority] += 1;

  const stale = devices
    .filter((d) => isStaleAt(d, to, staleDays))
    .map((d) => ({
      deviceId: d.id,
      hostname: d.hostname,
      lastSeenAt: d.lastSeenAt,
      daysSilent: d.lastSeenAt === null ? null : Math.round(((to - Date.parse(d.lastSeenAt)) / DAY_MS) * 10) / 10,
    }))
    .sort((a, b) => (b.daysSilent ?? Infinity) - (a.daysSilent ?? Infinity));

  return {
    asOf: input.asOf ?? input.to,
    period: { from: input.from, to: input.to },
    scope,
    staleAfterDays: staleDays,
    devices: { total: input.devices.length, inScope: devices.length, stale: all.devicesStale },
    coverage: { noOverdue: ratio(all.noOverdue, all.devicesInScope), noMissingSecurity: ratio(all.noMissing, all.devicesInScope) },
    timeToPatch: { fromFirstSeen: ttp, fromPublished: durationStats(fromPublished) },
    mttrDays: ttp.meanDays,
    slaAttainment: ratio(met, slaDenominator),
    failureRate: failureRates(input.jobs.filter((j) => ids.has(j.deviceId)), from, to),
    openFindings: { total: all.openFindings, overdue: all.overdueFindings, byPriority },
    staleDevices: stale,
    breakdown: slices(devices).map((s) => breakdownOf(s.dimension, s.key, coverage(s.devices, findingsOf, to, staleDays))),
  };
}
