import { ComplianceSnapshotRow, ComplianceSummary } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import type { ComplianceDevice, FindingHistory, JobOutcome } from './history.js';
import { rollupSnapshots, snapshotRows } from './snapshot.js';
import { computeComplianceSummary } from './summary.js';

const day = (d: string): string => `${d}T00:00:00.000Z`;
const addDays = (iso: string, n: number): string => new Date(Date.parse(iso) + n * 86_400_000).toISOString();

const device = (id: string, over: Partial<ComplianceDevice> = {}): ComplianceDevice => ({
  id, hostname: `${id}.example.org`, tags: [], groups: ['prod'], os: 'Debian 12', enrolledAt: day('2025-01-01'), lastSeenAt: day('2025-07-31'), retiredAt: null, ...over,
});

function fixedFinding(id: string, deviceId: string, firstSeen: string, fixedAfterDays: number, publishedAt: string | null): FindingHistory {
  const fixedAt = addDays(firstSeen, fixedAfterDays);
  return {
    id, deviceId, status: 'fixed', firstSeenAt: firstSeen, resolvedAt: fixedAt, dueAt: addDays(firstSeen, 30), advisoryPublishedAt: publishedAt, exception: null,
    evidence: { kind: 'upgraded', inventoryReportId: `inv-${id}`, observedAt: fixedAt, installedVersion: '2' }, score: { priority: 'P2' },
  };
}

// A constructed history with known answers.
const devices: ComplianceDevice[] = [
  device('d1', { tags: ['web', 'internet-facing'] }),
  device('d2', { os: 'Ubuntu 22.04' }),
  device('d3', { lastSeenAt: day('2025-07-11') }), // silent for 21 days at the end of the period
  device('d4', { retiredAt: day('2025-07-01') }),
  device('d5', { groups: ['lab'] }),
];
const findings: FindingHistory[] = [
  fixedFinding('f1', 'd1', day('2025-06-01'), 2, day('2025-05-30')),
  fixedFinding('f2', 'd1', day('2025-06-01'), 5, day('2025-05-01')),
  fixedFinding('f3', 'd2', day('2025-06-01'), 40, null),
  // Open, due after the period: not counted for the SLA, but a missing update.
  { id: 'f4', deviceId: 'd2', status: 'open', firstSeenAt: day('2025-07-21'), resolvedAt: null, dueAt: day('2025-08-20'), advisoryPublishedAt: null, exception: null, evidence: null, score: { priority: 'P1' } },
  // Accepted before its due date: neither overdue nor an SLA miss, still a missing update.
  {
    id: 'f5', deviceId: 'd1', status: 'accepted_risk', firstSeenAt: day('2025-06-10'), resolvedAt: null, dueAt: day('2025-06-24'), advisoryPublishedAt: null,
    exception: { reason: 'r', approver: 'ciso', approvedAt: day('2025-06-20'), expiresAt: day('2025-09-01') }, evidence: null, score: { priority: 'P3' },
  },
  // Out of scope (group lab): must not leak into any number.
  fixedFinding('f6', 'd5', day('2025-06-01'), 90, null),
];
const jobs: JobOutcome[] = [
  ...['d1', 'd2', 'd3'].map((deviceId) => ({ deploymentId: 'dep-1', deviceId, status: 'succeeded' as const, finishedAt: day('2025-06-05') })),
  { deploymentId: 'dep-1', deviceId: 'd1', status: 'failed', finishedAt: day('2025-06-05') },
  { deploymentId: 'dep-2', deviceId: 'd2', status: 'failed', finishedAt: day('2025-07-02') },
  { deploymentId: 'dep-2', deviceId: 'd2', status: 'cancelled', finishedAt: day('2025-07-02') },
  { deploymentId: 'dep-3', deviceId: 'd1', status: 'failed', finishedAt: day('2025-05-02') },
  { deploymentId: 'dep-2', deviceId: 'd5', status: 'failed', finishedAt: day('2025-07-02') },
];
const period = { from: day('2025-06-01'), to: '2025-07-31T23:59:59.999Z' };

describe('compliance summary over a constructed history', () => {
  const s = computeComplianceSummary({ devices, findings, jobs, ...period, scope: { groups: ['prod'] }, staleAfterDays: 7 });

  it('is a valid API view', () => {
    expect(ComplianceSummary.parse(s)).toEqual(s);
  });

  it('3 findings fixed in 2, 5 and 40 days: median 5, p90 40, MTTR 15.67; SLA attainment 2/3 at 30 days', () => {
    expect(s.timeToPatch.fromFirstSeen).toEqual({ count: 3, medianDays: 5, p90Days: 40, meanDays: 15.67 });
    expect(s.mttrDays).toBe(15.67);
    expect(s.slaAttainment).toEqual({ numerator: 2, denominator: 3, percent: 66.67 });
    // From publication: f1 4 days, f2 36 days (f3 has no publication date).
    expect(s.timeToPatch.fromPublished).toEqual({ count: 2, medianDays: 20, p90Days: 36, meanDays: 20 });
  });

  it('coverage counts the stale device in the denominator only, and names it', () => {
    expect(s.devices).toEqual({ total: 5, inScope: 3, stale: 1 });
    expect(s.coverage.noOverdue).toEqual({ numerator: 2, denominator: 3, percent: 66.67 });
    expect(s.coverage.noMissingSecurity).toEqual({ numerator: 0, denominator: 3, percent: 0 });
    expect(s.staleDevices).toEqual([{ deviceId: 'd3', hostname: 'd3.example.org', lastSeenAt: day('2025-07-11'), daysSilent: 21 }]);
    expect(s.openFindings).toEqual({ total: 1, overdue: 0, byPriority: { P1: 1, P2: 0, P3: 0, P4: 0 } });
  });

  it('failure rate per deployment and overall, from job results in the period and scope', () => {
    expect(s.failureRate).toEqual({
      overall: { numerator: 2, denominator: 5, percent: 40 },
      byDeployment: [
        { deploymentId: 'dep-1', failed: 1, succeeded: 3, rate: { numerator: 1, denominator: 4, percent: 25 } },
        { deploymentId: 'dep-2', failed: 1, succeeded: 0, rate: { numerator: 1, denominator: 1, percent: 100 } },
      ],
    });
  });

  it('breaks coverage down per tag, group and OS', () => {
    const by = Object.fromEntries(s.breakdown.map((b) => [`${b.dimension}:${b.key}`, [b.devicesInScope, b.devicesStale, b.noOverdue.numerator, b.openFindings]]));
    expect(by).toEqual({
      'group:prod': [3, 1, 2, 1],
      'os:Debian 12': [2, 1, 1, 0],
      'os:Ubuntu 22.04': [1, 0, 1, 1],
      'tag:internet-facing': [1, 0, 1, 0],
      'tag:web': [1, 0, 1, 0],
    });
  });

  it('a finding that fell due in the period and is still open counts as an SLA miss', () => {
    const late: FindingHistory = { ...findings[3]!, id: 'f7', firstSeenAt: day('2025-06-15'), dueAt: day('2025-07-15') };
    const r = computeComplianceSummary({ devices, findings: [...findings, late], jobs, ...period, scope: { groups: ['prod'] } });
    expect(r.slaAttainment).toEqual({ numerator: 2, denominator: 4, percent: 50 });
    expect(r.openFindings.overdue).toBe(1);
    expect(r.coverage.noOverdue.numerator).toBe(1);
  });

  it('a device retired during the period still counts for time to patch, not for coverage', () => {
    const r = computeComplianceSummary({ devices, findings: [...findings, fixedFinding('f8', 'd4', day('2025-06-01'), 3, null)], jobs, ...period, scope: { groups: ['prod'] } });
    expect(r.timeToPatch.fromFirstSeen.count).toBe(4);
    expect(r.slaAttainment).toEqual({ numerator: 3, denominator: 4, percent: 75 });
    expect(r.devices.inScope).toBe(3);
    expect(r.coverage).toEqual(s.coverage);
  });

  it('with nothing in scope, ratios say "no data" instead of 100 %', () => {
    const r = computeComplianceSummary({ devices, findings, jobs, ...period, scope: { groups: ['nothing'] } });
    expect(r.coverage.noOverdue).toEqual({ numerator: 0, denominator: 0, percent: null });
    expect(r.timeToPatch.fromFirstSeen).toEqual({ count: 0, medianDays: null, p90Days: null, meanDays: null });
  });
});

describe('daily snapshots', () => {
  const inScope = devices.filter((d) => d.groups.includes('prod'));
  const inScopeFindings = findings.filter((f) => f.deviceId !== 'd5');

  it('one row per slice for a day, with that day’s fixes', () => {
    const rows = snapshotRows('2025-06-03', { devices: inScope, findings: inScopeFindings });
    for (const r of rows) expect(ComplianceSnapshotRow.parse(r)).toEqual(r);
    expect(rows.map((r) => `${r.dimension}:${r.key}`)).toEqual(['all:all', 'group:prod', 'os:Debian 12', 'os:Ubuntu 22.04', 'tag:internet-facing', 'tag:web']);
    expect(rows[0]).toMatchObject({ day: '2025-06-03', devicesInScope: 4, openFindings: 2, fixed: 1, fixedWithinSla: 1, fixDaysSum: 2 });
    expect(() => snapshotRows('2025-13-45', { devices, findings })).toThrow(/not a day/);
  });

  it('a period rolls up from stored rows to the same answers as the summary', () => {
    const rows: ComplianceSnapshotRow[] = [];
    for (let t = Date.parse(period.from); t <= Date.parse(period.to); t += 86_400_000) {
      rows.push(...snapshotRows(new Date(t).toISOString().slice(0, 10), { devices: inScope, findings: inScopeFindings }));
    }
    const r = rollupSnapshots(rows, { dimension: 'all', key: 'all' }, '2025-06-01', '2025-07-31');
    expect(r.series).toHaveLength(61);
    expect(r).toMatchObject({ fixed: 3, fixedWithinSla: 2, mttrDays: 15.67 });
    expect(r.series.find((p) => p.day === '2025-07-05')).toMatchObject({ overdueFindings: 1, openFindings: 1 });
    expect(r.series.at(-1)).toMatchObject({ day: '2025-07-31', devicesStale: 1, openFindings: 1 });
  });
});
