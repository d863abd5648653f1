import { RiskScore } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { RiskModel, scoreRisk } from './risk-score.js';
import type { RiskInput } from './risk-score.js';
import { DEFAULT_SLA_POLICY, SlaPolicy, computeDueDate } from './sla.js';

const cvss = (baseScore: number) => ({ version: '3.1' as const, vector: 'CVSS:3.1/…', baseScore, severity: 'critical' as const });
const base: RiskInput = { cvss: null, severity: 'unknown', epss: null, kev: null, asset: { criticality: null, internetFacing: false } };
const points = (r: ReturnType<typeof scoreRisk>) => Object.fromEntries(r.factors.map((f) => [f.factor, f.points]));

describe('risk score', () => {
  it('explains every factor: the worst case', () => {
    const r = scoreRisk({
      cvss: cvss(9.8), severity: 'critical',
      epss: { probability: 0.9, scoreDate: '2025-09-01', cve: 'CVE-2025-49704' },
      kev: { cve: 'CVE-2025-49704', dateAdded: '2025-07-22', knownRansomware: true },
      asset: { criticality: 'critical', internetFacing: true },
    });
    expect(points(r)).toEqual({ cvss: 34.3, epss: 18, kev: 20, ransomware: 5, criticality: 12, exposure: 8 });
    expect(r.total).toBe(97.3);
    expect(r.priority).toBe('P1');
    expect(r.floor).toBeNull();
    expect(r.factors.find((f) => f.factor === 'epss')).toEqual({ factor: 'epss', input: 0.9, value: 0.9, weight: 0.2, points: 18, source: 'EPSS 2025-09-01 for CVE-2025-49704' });
    expect(RiskScore.parse(r)).toEqual(r);
  });

  it('critical CVSS on an ordinary internal device is P2; points always add up to the total', () => {
    const r = scoreRisk({ ...base, cvss: cvss(9.8), severity: 'critical' });
    expect(points(r)).toEqual({ cvss: 34.3, epss: 0, kev: 0, ransomware: 0, criticality: 6, exposure: 0 });
    expect(r).toMatchObject({ total: 40.3, priority: 'P2' });
    expect(r.factors.find((f) => f.factor === 'criticality')?.source).toBe('device has no criticality: scored as medium');
  });

  it('without a vector, the severity label stands in (and says so)', () => {
    const high = scoreRisk({ ...base, severity: 'high' });
    expect(high).toMatchObject({ total: 34, priority: 'P3' });
    expect(high.factors[0]?.source).toBe('no CVSS vector: mid-band score for severity high');
    const unknown = scoreRisk({ ...base, asset: { criticality: 'low', internetFacing: false } });
    expect(unknown).toMatchObject({ total: 20.5, priority: 'P3' });
    expect(unknown.factors[0]?.source).toBe('assumed 5.0: no CVSS vector or severity published');
    expect(scoreRisk({ ...base, cvss: cvss(3.1), asset: { criticality: 'low', internetFacing: false } })).toMatchObject({ total: 13.9, priority: 'P4' });
  });

  it('KEV floors: at least P2, and P1 with known ransomware use', () => {
    const low = { ...base, cvss: cvss(2), asset: { criticality: 'low' as const, internetFacing: false } };
    const kev = scoreRisk({ ...low, kev: { cve: 'CVE-2025-8088', dateAdded: '2025-08-12', knownRansomware: false } });
    expect(kev).toMatchObject({ total: 30, priority: 'P2', floor: { priority: 'P2', reason: 'in CISA KEV: at least P2' } });
    const ransom = scoreRisk({ ...low, kev: { cve: 'CVE-2025-49704', dateAdded: '2025-07-22', knownRansomware: true } });
    expect(ransom).toMatchObject({ total: 35, priority: 'P1', floor: { priority: 'P1' } });
  });

  it('the model is configuration, validated', () => {
    const noEpss = RiskModel.parse({ id: 'no-epss/1', weights: { epss: 0 } });
    const r = scoreRisk({ ...base, cvss: cvss(10), severity: 'critical', asset: { criticality: 'critical', internetFacing: true } }, noEpss);
    // Remaining weights 0.8 are rescaled to 100: cvss 35/0.8 = 43.75 → 43.8.
    expect(points(r).cvss).toBe(43.8);
    expect(r.model).toBe('no-epss/1');
    expect(() => RiskModel.parse({ bands: { P1: 30, P2: 50 } })).toThrow(/P1 ≥ P2 ≥ P3/);
    expect(() => RiskModel.parse({ weights: { cvss: 0, epss: 0, kev: 0, ransomware: 0, criticality: 0, exposure: 0 } })).toThrow(/at least one weight/);
    expect(() => RiskModel.parse({ weights: { cvss: -1 } })).toThrow();
  });
});

describe('SLA due dates', () => {
  it('defaults: critical 14, high 30, medium 90, low 180 days from first seen', () => {
    const due = (severity: 'critical' | 'high' | 'medium' | 'low' | 'none' | 'unknown') => computeDueDate({ firstSeenAt: '2025-01-01T00:00:00.000Z', severity, kev: null }).dueAt;
    expect(due('critical')).toBe('2025-01-15T00:00:00.000Z');
    expect(due('high')).toBe('2025-01-31T00:00:00.000Z');
    expect(due('medium')).toBe('2025-04-01T00:00:00.000Z');
    expect(due('low')).toBe('2025-06-30T00:00:00.000Z');
    expect(due('none')).toBe('2025-06-30T00:00:00.000Z');
    expect(due('unknown')).toBe('2025-04-01T00:00:00.000Z');
  });

  it('KEV: the catalog due date or 7 days, whichever is sooner', () => {
    // CVE-2025-49704 (KEV excerpt): added 2025-07-22, due 2025-07-23.
    expect(computeDueDate({ firstSeenAt: '2025-07-20T08:00:00.000Z', severity: 'medium', kev: { dateAdded: '2025-07-22', dueDate: '2025-07-23' } })).toEqual({
      dueAt: '2025-07-23T23:59:59.999Z', rule: 'KEV catalog due date 2025-07-23',
    });
    // An old KEV entry first seen today: the catalog date is past, so it is overdue at once.
    expect(computeDueDate({ firstSeenAt: '2025-09-01T00:00:00.000Z', severity: 'high', kev: { dateAdded: '2025-07-22', dueDate: '2025-07-23' } }).dueAt).toBe('2025-07-23T23:59:59.999Z');
    // Catalog date far away: 7 days from first seen wins.
    expect(computeDueDate({ firstSeenAt: '2025-08-01T00:00:00.000Z', severity: 'low', kev: { dateAdded: '2025-07-30', dueDate: '2025-08-20' } })).toEqual({
      dueAt: '2025-08-08T00:00:00.000Z', rule: 'KEV: 7 days from first seen',
    });
    // Listed in KEV after first seen: 7 days from the listing, unless the severity SLA is sooner.
    expect(computeDueDate({ firstSeenAt: '2025-01-01T00:00:00.000Z', severity: 'medium', kev: { dateAdded: '2025-02-01', dueDate: '2025-03-01' } })).toEqual({
      dueAt: '2025-02-08T00:00:00.000Z', rule: 'KEV: 7 days from KEV listing',
    });
    expect(computeDueDate({ firstSeenAt: '2025-01-01T00:00:00.000Z', severity: 'critical', kev: { dateAdded: '2025-01-10', dueDate: '2025-01-31' } }).rule).toBe('critical: 14 days from first seen');
  });

  it('the policy is configuration, validated', () => {
    const p = SlaPolicy.parse({ days: { critical: 7 }, kev: { useCatalogDueDate: false } });
    expect(p).toEqual({ ...DEFAULT_SLA_POLICY, days: { ...DEFAULT_SLA_POLICY.days, critical: 7 }, kev: { days: 7, useCatalogDueDate: false } });
    expect(computeDueDate({ firstSeenAt: '2025-07-20T00:00:00.000Z', severity: 'high', kev: { dateAdded: '2025-07-22', dueDate: '2025-07-23' } }, p).dueAt).toBe('2025-07-29T00:00:00.000Z');
    expect(() => SlaPolicy.parse({ days: { critical: 60 } })).toThrow(/must not shrink/);
    expect(() => SlaPolicy.parse({ days: { high: 0 } })).toThrow();
  });
});
