import { describe, expect, it } from 'vitest';
import { ComplianceSnapshotRow, ComplianceSummary, Ratio } from './compliance.js';
import { FindingSelection, FindingView, PatchCatalogEntry, RiskException, RiskScore } from './findings.js';

const score: RiskScore = {
  total: 40.3,
  priority: 'P2',
  model: 'patchwave-risk/1',
  factors: [{ factor: 'cvss', input: 9.8, value: 0.98, weight: 0.35, points: 34.3, source: 'CVSS:3.1 base score' }],
  floor: null,
};

const view: FindingView = {
  id: 'f_1', deviceId: 'dev-1', advisoryId: 'DSA-9001-1', source: 'osv', cves: ['CVE-2024-90001'], ecosystem: 'Debian:12',
  package: { name: 'libexample', installedVersion: '1.2-3', binaries: [{ manager: 'apt', name: 'libexample1', arch: 'amd64', version: '1.2-3' }] },
  fixedVersion: '1.2-3+deb12u1', severity: 'high', cvss: null, epss: null, kev: null, score,
  firstSeenAt: '2025-09-01T10:00:00.000Z', lastSeenAt: '2025-09-01T10:00:00.000Z', advisoryPublishedAt: null, dueAt: '2025-10-01T10:00:00.000Z',
  status: 'open', state: 'open', overdue: false, evidence: null, exception: null, notAffected: null,
};

describe('finding views', () => {
  it('a finding with score parts and due date round-trips', () => {
    expect(FindingView.parse(view)).toEqual(view);
    expect(RiskScore.parse(score)).toEqual(score);
  });

  it('rejects what the console could not show honestly', () => {
    expect(FindingView.safeParse({ ...view, cves: ['CVE-1'] }).success).toBe(false);
    expect(FindingView.safeParse({ ...view, dueAt: 'next week' }).success).toBe(false);
    expect(RiskScore.safeParse({ ...score, total: 101 }).success).toBe(false);
    expect(RiskScore.safeParse({ ...score, factors: [{ ...score.factors[0], value: 1.5 }] }).success).toBe(false);
  });

  it('an exception needs reason, approver and an expiry after its approval', () => {
    const ok = { reason: 'compensating control', approver: 'ciso', approvedAt: '2025-09-01T00:00:00Z', expiresAt: '2025-12-01T00:00:00Z' };
    expect(RiskException.parse(ok)).toEqual(ok);
    expect(RiskException.safeParse({ ...ok, reason: '' }).success).toBe(false);
    const backwards = RiskException.safeParse({ ...ok, expiresAt: '2025-08-01T00:00:00Z' });
    expect(backwards.success).toBe(false);
    if (!backwards.success) expect(backwards.error.issues[0]?.path).toEqual(['expiresAt']);
  });

  it('deployment selections', () => {
    expect(FindingSelection.parse({ kind: 'priority', priorities: ['P1'] })).toEqual({ kind: 'priority', priorities: ['P1'] });
    expect(FindingSelection.parse({ kind: 'kev' })).toEqual({ kind: 'kev' });
    expect(FindingSelection.safeParse({ kind: 'priority', priorities: [] }).success).toBe(false);
    expect(FindingSelection.safeParse({ kind: 'everything' }).success).toBe(false);
  });

  it('patch catalog entries', () => {
    const e = {
      kind: 'package', manager: 'apt', name: 'libssl3', arch: 'amd64', version: '3.0.14-1~deb12u2', security: true, severity: 'critical',
      advisories: [], cves: ['CVE-2024-90002'], deviceCount: 1, deviceIds: ['d1'], findingCount: 1, findingIds: ['f_1'], topPriority: 'P1', kev: true,
    };
    expect(PatchCatalogEntry.parse(e)).toEqual(e);
  });
});

describe('compliance views', () => {
  it('a ratio with no denominator has no percent', () => {
    expect(Ratio.parse({ numerator: 0, denominator: 0, percent: null })).toEqual({ numerator: 0, denominator: 0, percent: null });
    expect(Ratio.safeParse({ numerator: 1, denominator: 2, percent: 150 }).success).toBe(false);
  });

  it('summary needs every priority bucket; snapshot rows are counts', () => {
    const r = { numerator: 0, denominator: 0, percent: null };
    const d = { count: 0, medianDays: null, p90Days: null, meanDays: null };
    const summary = {
      asOf: '2025-07-31T00:00:00.000Z', period: { from: '2025-06-01T00:00:00.000Z', to: '2025-07-31T00:00:00.000Z' },
      scope: { groups: [], tags: [], os: [] }, staleAfterDays: 7, devices: { total: 0, inScope: 0, stale: 0 },
      coverage: { noOverdue: r, noMissingSecurity: r }, timeToPatch: { fromFirstSeen: d, fromPublished: d }, mttrDays: null,
      slaAttainment: r, failureRate: { overall: r, byDeployment: [] }, openFindings: { total: 0, overdue: 0, byPriority: { P1: 0, P2: 0, P3: 0, P4: 0 } },
      staleDevices: [], breakdown: [],
    };
    expect(ComplianceSummary.parse(summary)).toEqual(summary);
    expect(ComplianceSummary.safeParse({ ...summary, openFindings: { total: 0, overdue: 0, byPriority: { P1: 0 } } }).success).toBe(false);
    expect(ComplianceSnapshotRow.safeParse({ day: '2025-07-31T00:00:00Z', dimension: 'all', key: 'all' }).success).toBe(false);
  });
});
