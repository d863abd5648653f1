import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComplianceSeries, ComplianceSummary, FindingListItem, Page } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../domain/clock.js';
import { computeComplianceSummary } from '../../domain/compliance/summary.js';
import { enrollDevice } from '../../testing/enroll.js';
import type { TestApp } from '../../testing/test-app.js';
import { openTestApp } from '../../testing/test-app.js';
import { debianFacts, debPackage, importBody, jsonFeed, osvRecord, reportInventory } from '../../testing/vulnerability-fixtures.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });

const DAY = 86_400_000;
const T0 = '2025-03-01T00:00:00.000Z';
const HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'; // 7.5 high → 30-day SLA

let t: TestApp;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(T0);
  t = await openTestApp({ clock });
});
afterEach(async () => t.close());

const get = async <T>(url: string) => {
  const res = await t.app.inject({ method: 'GET', url, headers: t.auth() });
  return { status: res.statusCode, body: res.json() as T, raw: res };
};

/** Three high-severity advisories on three source packages of one device. */
async function threeFindings(tags: string[] = ['group=prod', 'web']) {
  const feeds = ['alpha', 'beta', 'gamma'].map((name, i) =>
    jsonFeed(`${name}.json`, osvRecord({ id: `DEBIAN-CVE-2025-100${i}`, ecosystem: 'Debian:12', name, fixed: '2.0-1', cves: [`CVE-2025-100${i}`], cvss: HIGH, published: '2025-02-20T00:00:00Z' })),
  );
  expect((await t.app.inject({ method: 'POST', url: '/api/v1/feeds/import', headers: t.auth(), payload: importBody(feeds) })).statusCode).toBe(200);
  const { deviceId } = await enrollDevice(t.app, debianFacts('app-01'), tags);
  const pkgs = { alpha: '1.0-1', beta: '1.0-1', gamma: '1.0-1' };
  const report = () => reportInventory(t.app, deviceId, Object.entries(pkgs).map(([n, v]) => debPackage(`lib${n}1`, v, n)));
  await report();
  return {
    deviceId,
    fix: async (name: keyof typeof pkgs, atDay: number) => {
      clock.set(new Date(Date.parse(T0) + atDay * DAY));
      pkgs[name] = '2.0-1';
      await report();
    },
  };
}

/** The reference: phase 1's computeComplianceSummary over the whole stored history. */
async function reference(from: string, to: string, scope = {}): Promise<ComplianceSummary> {
  const history = await t.temp.store.compliance.history(to);
  return computeComplianceSummary({ ...history, jobs: [], from, to, scope, staleAfterDays: 7 });
}

describe('compliance metrics from stored history', () => {
  it('3 findings fixed in 2, 5 and 40 days: median 5, p90 40, SLA attainment 2/3 (30-day SLA)', async () => {
    const d = await threeFindings();
    await d.fix('alpha', 2);
    await d.fix('beta', 5);
    await d.fix('gamma', 40);
    clock.set(new Date(Date.parse(T0) + 41 * DAY));

    const now = await get<ComplianceSummary>(`/api/v1/compliance/summary?from=2025-03-01`);
    expect(now.status, JSON.stringify(now.body)).toBe(200);
    expect(now.body.timeToPatch.fromFirstSeen).toEqual({ count: 3, medianDays: 5, p90Days: 40, meanDays: 15.67 });
    expect(now.body.timeToPatch.fromPublished).toEqual({ count: 3, medianDays: 14, p90Days: 49, meanDays: 24.67 });
    expect(now.body.slaAttainment).toEqual({ numerator: 2, denominator: 3, percent: 66.67 });
    expect(now.body.mttrDays).toBe(15.67);
    expect(now.body.coverage.noOverdue).toEqual({ numerator: 1, denominator: 1, percent: 100 });
    expect(now.body.openFindings).toEqual({ total: 0, overdue: 0, byPriority: { P1: 0, P2: 0, P3: 0, P4: 0 } });

    // The same period read later (a past end: computed from history) gives the same answers.
    clock.set(new Date(Date.parse(T0) + 60 * DAY));
    const past = await get<ComplianceSummary>(`/api/v1/compliance/summary?from=2025-03-01&to=${new Date(Date.parse(T0) + 41 * DAY).toISOString()}`);
    expect(past.body.timeToPatch).toEqual(now.body.timeToPatch);
    expect(past.body.slaAttainment).toEqual(now.body.slaAttainment);
  });

  it('the maintained aggregates give what the reference computation gives, slice by slice', async () => {
    const d = await threeFindings(['group=prod', 'web', 'internet-facing']);
    const other = await enrollDevice(t.app, debianFacts('app-02'), ['group=dev']);
    await reportInventory(t.app, other.deviceId, [debPackage('libalpha1', '1.0-1', 'alpha')]);
    await enrollDevice(t.app, debianFacts('never-reported'), ['group=dev']);
    await d.fix('alpha', 3);
    // Accept the risk of beta on app-01 for 60 days; gamma stays open and falls due at day 30.
    const beta = (await get<Page<FindingListItem>>('/api/v1/findings?package=beta')).body.items[0] as FindingListItem;
    const approver = await t.tokenWithRole('approver');
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/findings/${beta.id}/accept-risk`, headers: t.auth(approver), payload: { reason: 'isolated segment', days: 60 } })).statusCode).toBe(200);

    for (const day of [10, 31, 45, 80]) {
      clock.set(new Date(Date.parse(T0) + day * DAY));
      // app-02 keeps reporting (same inventory: a heartbeat's worth); app-01 goes silent after day 31.
      if (day <= 31) await t.temp.store.devices.touch(d.deviceId, clock.now());
      await t.temp.store.devices.touch(other.deviceId, clock.now());
      const to = clock.now().toISOString();
      const fast = (await get<ComplianceSummary>(`/api/v1/compliance/summary?from=2025-03-01`)).body;
      const ref = await reference('2025-03-01T00:00:00.000Z', to);
      expect({ ...fast, asOf: to }, `day ${day}`).toEqual({ ...ref, asOf: to });
      const scoped = (await get<ComplianceSummary>(`/api/v1/compliance/summary?from=2025-03-01&group=dev`)).body;
      expect({ ...scoped, asOf: to }).toEqual({ ...(await reference('2025-03-01T00:00:00.000Z', to, { groups: ['dev'] })), asOf: to });
    }
    const last = (await get<ComplianceSummary>(`/api/v1/compliance/summary?from=2025-03-01`)).body;
    // Day 80: app-01 silent (stale) and gamma overdue; beta's exception expired at day 60; the never-reporting device is stale.
    expect(last.devices).toEqual({ total: 3, inScope: 3, stale: 2 });
    expect(last.staleDevices.map((s) => s.hostname)).toEqual(['never-reported', 'app-01']);
    expect(last.openFindings.overdue).toBe(3);
    expect(last.breakdown.find((b) => b.dimension === 'group' && b.key === 'dev')).toMatchObject({ devicesInScope: 2, openFindings: 1 });
  });

  it('daily snapshots feed the 90-day series; the report comes in JSON, CSV and PDF with the audit head hash', async () => {
    const d = await threeFindings();
    await d.fix('alpha', 2);
    await d.fix('beta', 5);
    clock.set(new Date(Date.parse(T0) + 41 * DAY));
    await t.temp.store.devices.touch(d.deviceId, clock.now());
    const written = await t.app.vulnerabilities.compliance.backfill();
    expect(written[0]).toBe('2025-03-01');
    expect(written.at(-1)).toBe('2025-04-10');
    const series = (await get<ComplianceSeries>('/api/v1/compliance/series?days=90')).body;
    expect(series.series.length).toBe(41);
    expect(series.series[0]).toMatchObject({ day: '2025-03-01', openFindings: 3 });
    expect(series.series.find((p) => p.day === '2025-03-06')).toMatchObject({ openFindings: 1 });
    expect(series.series.find((p) => p.day === '2025-04-01')).toMatchObject({ overdueFindings: 1 });
    expect(series).toMatchObject({ fixed: 2, fixedWithinSla: 2, mttrDays: 3.5 });
    expect(await t.app.vulnerabilities.compliance.backfill()).toEqual([]);

    const json = await get<{ format: string; auditHeadHash: string; summary: ComplianceSummary; overdueFindings: { package: string; daysOverdue: number }[] }>('/api/v1/reports/compliance?format=json&from=2025-03-01&group=prod');
    expect(json.status).toBe(200);
    expect(json.body.format).toBe('patchwave-compliance-report/1');
    expect(json.body.overdueFindings).toEqual([expect.objectContaining({ package: 'gamma', daysOverdue: 11 })]);
    expect(json.body.summary.scope.groups).toEqual(['prod']);
    // The head hash is the one before the report's own audit entry.
    const audit = (await get<{ items: { action: string; prevHash: string; details: { auditHeadHash?: string } }[] }>('/api/v1/audit?limit=1000')).body.items;
    const made = audit.filter((e) => e.action === 'report.compliance');
    expect(made.at(-1)).toMatchObject({ prevHash: json.body.auditHeadHash, details: { auditHeadHash: json.body.auditHeadHash } });
    expect(json.raw.headers['x-patchwave-audit-head']).toBe(json.body.auditHeadHash);

    const csv = await t.app.inject({ method: 'GET', url: '/api/v1/reports/compliance?format=csv&from=2025-03-01&table=overdue-findings', headers: t.auth() });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\r\n')[0]).toContain('finding_id,device_id,hostname,advisory_id');
    expect(csv.body).toContain(',gamma,1.0-1,2.0-1,high,');
    const metrics = await t.app.inject({ method: 'GET', url: '/api/v1/reports/compliance?format=csv&from=2025-03-01', headers: t.auth() });
    expect(metrics.body).toContain('sla,attainment,66.67,2,3,percent');

    const pdf = await t.app.inject({ method: 'GET', url: '/api/v1/reports/compliance?format=pdf&from=2025-03-01', headers: t.auth(await t.tokenWithRole('auditor')) });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'patchwave-report-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), pdf.rawPayload);
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('Open overdue findings (1)');
      expect(text).toContain('gamma');
      expect(text).toContain(pdf.headers['x-patchwave-audit-head'] as string);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = await get<{ error: { message: string } }>('/api/v1/reports/compliance?format=docx');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('querystring.format');
  });
});
