import type { FindingDetail, FindingListItem, Page } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../domain/clock.js';
import { enrollDevice } from '../../testing/enroll.js';
import type { TestApp } from '../../testing/test-app.js';
import { openTestApp } from '../../testing/test-app.js';
import { debianFacts, debPackage, epssCsv, fixtureFeed, importBody, jsonFeed, kevCatalog, reportInventory } from '../../testing/vulnerability-fixtures.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock('2025-06-10T08:00:00.000Z');
  t = await openTestApp({ clock });
});
afterEach(async () => t.close());

const get = async <T>(url: string, token?: string) => {
  const res = await t.app.inject({ method: 'GET', url, headers: t.auth(token) });
  return { status: res.statusCode, body: res.json() as T };
};
const post = async <T>(url: string, payload: unknown, token?: string) => {
  const res = await t.app.inject({ method: 'POST', url, headers: t.auth(token), payload: payload as object });
  return { status: res.statusCode, body: res.json() as T };
};

/** DSA-9001-1 (constructed Debian record): source libexample, fixed in 1.2-3+deb12u1 on Debian 12; CVE-2024-90001 in KEV. */
async function importDebian() {
  const kev = jsonFeed('kev.json', kevCatalog([{ cve: 'CVE-2024-90001', dateAdded: '2025-06-01', dueDate: '2025-06-22', ransomware: true }]));
  const epss = epssCsv('2025-06-09', [['CVE-2024-90001', 0.91, 0.99], ['CVE-2024-90002', 0.02, 0.4]]);
  const res = await post<{ counts: { advisories: { new: number } } }>('/api/v1/feeds/import', importBody([fixtureFeed('osv-debian-constructed.json'), kev, epss]));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.counts.advisories.new).toBe(2);
}

describe('findings from the inventory path', () => {
  it('opens a finding by source package with score parts and due date, and closes it only on evidence', async () => {
    await importDebian();
    const { deviceId } = await enrollDevice(t.app, debianFacts('db-01'), ['internet-facing', 'group=prod']);
    // Binaries libexample1 and libexample-dev are built from source libexample: one finding for the group.
    const first = await reportInventory(t.app, deviceId, [debPackage('libexample1', '1.2-2', 'libexample'), debPackage('libexample-dev', '1.2-2', 'libexample'), debPackage('bash', '5.2.15-2+b2', 'bash', '5.2.15-2')]);

    const list = await get<Page<FindingListItem>>('/api/v1/findings');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const f = list.body.items[0] as FindingListItem;
    expect(f).toMatchObject({
      hostname: 'db-01', advisoryId: 'DSA-9001-1', ecosystem: 'Debian:12', package: { name: 'libexample', installedVersion: '1.2-2' },
      fixedVersion: '1.2-3+deb12u1', cves: ['CVE-2024-90001'], state: 'open', status: 'open',
      kev: { dateAdded: '2025-06-01', dueDate: '2025-06-22', knownRansomware: true }, epss: { probability: 0.91, scoreDate: '2025-06-09' },
    });
    expect(f.package.binaries.map((b) => b.name).sort()).toEqual(['libexample-dev', 'libexample1']);
    // KEV with known ransomware use: P1 by floor; due 7 days after first seen (sooner than the catalog's date).
    expect(f.score.priority).toBe('P1');
    expect(f.dueAt).toBe('2025-06-17T08:00:00.000Z');

    const detail = await get<FindingDetail>(`/api/v1/findings/${f.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.dueRule).toBe('KEV: 7 days from first seen');
    expect(detail.body.firstSeenReportId).toBe(String(first));
    expect(detail.body.score.factors.map((x) => [x.factor, x.weight])).toEqual([['cvss', 0.35], ['epss', 0.2], ['kev', 0.2], ['ransomware', 0.05], ['criticality', 0.12], ['exposure', 0.08]]);
    expect(detail.body.score.factors.find((x) => x.factor === 'exposure')).toMatchObject({ input: true, value: 1 });
    expect(detail.body.events.map((e) => e.kind)).toEqual(['opened']);
    expect(detail.body.advisory).toMatchObject({ id: 'DSA-9001-1', summary: 'libexample - security update' });

    // An unrelated change (bash) re-evaluates only bash: the finding stays open, untouched.
    clock.advance(3_600_000);
    await reportInventory(t.app, deviceId, [debPackage('libexample1', '1.2-2', 'libexample'), debPackage('libexample-dev', '1.2-2', 'libexample'), debPackage('bash', '5.2.15-2+b7', 'bash', '5.2.15-2')]);
    expect((await get<FindingDetail>(`/api/v1/findings/${f.id}`)).body).toMatchObject({ status: 'open', events: [{ kind: 'opened' }] });

    // The backported fix (1.2-3+deb12u1) is installed: fixed, with that report as evidence.
    clock.advance(3_600_000);
    const fixedReport = await reportInventory(t.app, deviceId, [debPackage('libexample1', '1.2-3+deb12u1', 'libexample'), debPackage('libexample-dev', '1.2-3+deb12u1', 'libexample')]);
    const fixed = await get<FindingDetail>(`/api/v1/findings/${f.id}`);
    expect(fixed.body).toMatchObject({
      status: 'fixed', state: 'fixed',
      evidence: { kind: 'upgraded', inventoryReportId: String(fixedReport), observedAt: '2025-06-10T10:00:00.000Z', installedVersion: '1.2-3+deb12u1' },
    });
    expect(fixed.body.events.map((e) => e.kind)).toEqual(['opened', 'fixed']);

    const audit = await get<{ items: { action: string; target: string; actor: string }[] }>('/api/v1/audit?limit=1000');
    const actions = audit.body.items.map((e) => `${e.action} ${e.actor.split(':')[0]}`);
    expect(actions).toContain('feeds.import api-token');
    expect(actions).toContain('finding.opened device');
    expect(actions).toContain('finding.fixed device');
    expect((await get<{ ok: boolean }>('/api/v1/audit/verify')).body.ok).toBe(true);
  });

  it('filters by priority, state, CVE, package (source or binary), tag, KEV and device', async () => {
    await importDebian();
    const a = await enrollDevice(t.app, debianFacts('a'), ['web']);
    const b = await enrollDevice(t.app, debianFacts('b'), ['db']);
    await reportInventory(t.app, a.deviceId, [debPackage('libexample1', '1.2-2', 'libexample'), debPackage('libssl3', '3.0.11-1~deb12u2', 'openssl')]);
    await reportInventory(t.app, b.deviceId, [debPackage('libssl3', '3.0.11-1~deb12u2', 'openssl')]);
    const ids = async (q: string) => (await get<Page<FindingListItem>>(`/api/v1/findings?${q}`)).body.items.map((f) => `${f.hostname}/${f.advisoryId}`).sort();
    expect(await ids('')).toEqual(['a/DEBIAN-CVE-2024-90002', 'a/DSA-9001-1', 'b/DEBIAN-CVE-2024-90002']);
    expect(await ids('kev=true')).toEqual(['a/DSA-9001-1']);
    expect(await ids('priority=P1')).toEqual(['a/DSA-9001-1']);
    expect(await ids('cve=CVE-2024-90002')).toEqual(['a/DEBIAN-CVE-2024-90002', 'b/DEBIAN-CVE-2024-90002']);
    expect(await ids('package=libssl3')).toEqual(['a/DEBIAN-CVE-2024-90002', 'b/DEBIAN-CVE-2024-90002']);
    expect(await ids('package=openssl&tag=db')).toEqual(['b/DEBIAN-CVE-2024-90002']);
    expect(await ids(`device=${b.deviceId}`)).toEqual(['b/DEBIAN-CVE-2024-90002']);
    expect(await ids('status=fixed')).toEqual([]);
    clock.advance(8 * 86_400_000);
    expect(await ids('overdue=true')).toEqual(['a/DSA-9001-1']);
    expect(await ids('status=open')).toEqual(['a/DEBIAN-CVE-2024-90002', 'b/DEBIAN-CVE-2024-90002']);
    const dev = await get<Page<FindingListItem>>(`/api/v1/devices/${a.deviceId}/findings?sort=dueAt&order=asc`);
    expect(dev.body.items.map((f) => f.advisoryId)).toEqual(['DSA-9001-1', 'DEBIAN-CVE-2024-90002']);
    expect((await get('/api/v1/devices/00000000-0000-4000-8000-000000000999/findings')).status).toBe(404);
    const bad = await get<{ error: { code: string; message: string } }>('/api/v1/findings?priority=P9');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('querystring.priority');
  });

  it("rescores a device's findings when its criticality or internet-facing tag changes", async () => {
    await importDebian();
    const { deviceId } = await enrollDevice(t.app, debianFacts('edge'));
    await reportInventory(t.app, deviceId, [debPackage('libssl3', '3.0.11-1~deb12u2', 'openssl')]);
    const before = (await get<Page<FindingListItem>>('/api/v1/findings')).body.items[0] as FindingListItem;
    expect(before.score).toMatchObject({ total: 40.7, priority: 'P2' });
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/devices/${deviceId}`, headers: t.auth(), payload: { criticality: 'critical', tags: ['internet-facing'] } });
    expect(patch.statusCode).toBe(200);
    const after = (await get<FindingDetail>(`/api/v1/findings/${before.id}`)).body;
    expect(after.score.total).toBe(54.7);
    expect(after.score.factors.filter((f) => f.factor === 'criticality' || f.factor === 'exposure').map((f) => [f.input, f.points])).toEqual([['critical', 12], [true, 8]]);
    // Same priority and due date: the score moved, no event.
    expect(after.events.map((e) => e.kind)).toEqual(['opened']);
  });

  it('accepts a risk only with the approver role; revoking or expiry reopens the finding', async () => {
    await importDebian();
    const { deviceId } = await enrollDevice(t.app, debianFacts('c'));
    await reportInventory(t.app, deviceId, [debPackage('libexample1', '1.2-2', 'libexample')]);
    const id = (await get<Page<FindingListItem>>('/api/v1/findings')).body.items[0]?.id as string;
    const operator = await t.tokenWithRole('operator');
    const approver = await t.tokenWithRole('approver');
    const auditor = await t.tokenWithRole('auditor');

    expect((await post(`/api/v1/findings/${id}/accept-risk`, { reason: 'compensating control', days: 30 }, operator)).status).toBe(403);
    expect((await post(`/api/v1/findings/${id}/accept-risk`, { reason: 'x', days: 30 }, auditor)).status).toBe(403);
    const both = await post<{ error: { message: string } }>(`/api/v1/findings/${id}/accept-risk`, { reason: 'x', days: 3, expiresAt: '2025-07-01T00:00:00Z' }, approver);
    expect(both.status).toBe(400);
    expect(both.body.error.message).toContain('give exactly one of expiresAt or days');
    const past = await post<{ error: { code: string } }>(`/api/v1/findings/${id}/accept-risk`, { reason: 'x', expiresAt: '2025-01-01T00:00:00Z' }, approver);
    expect(past).toMatchObject({ status: 400, body: { error: { code: 'E_VALIDATION' } } });

    const accepted = await post<FindingDetail>(`/api/v1/findings/${id}/accept-risk`, { reason: 'WAF rule blocks the vector', expiresAt: '2025-06-12T00:00:00+02:00' }, approver);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted_risk', state: 'accepted_risk', exception: { reason: 'WAF rule blocks the vector', expiresAt: '2025-06-11T22:00:00.000Z' } });
    expect(accepted.body.exception?.approver).toMatch(/^approver token \[api-token:/);
    expect((await get<Page<unknown>>('/api/v1/exceptions?active=true')).body.total).toBe(1);

    // Past its expiry the finding is open again at once (state), and the sweep records it.
    clock.set('2025-06-12T00:00:00.000Z');
    expect((await get<FindingDetail>(`/api/v1/findings/${id}`)).body.state).toBe('open');
    expect(await t.app.vulnerabilities.jobs.sweep()).toMatchObject({ expired: 1 });
    const reopened = await get<FindingDetail>(`/api/v1/findings/${id}`);
    expect(reopened.body.status).toBe('open');
    expect(reopened.body.events.map((e) => `${e.kind}:${String(e.detail.reason ?? '')}`)).toEqual(['opened:', 'risk_accepted:WAF rule blocks the vector', 'exception_revoked:expired']);
    expect(reopened.body.exceptions[0]).toMatchObject({ endReason: 'expired', endedAt: '2025-06-11T22:00:00.000Z' });

    // Accept again, then revoke by hand.
    await post(`/api/v1/findings/${id}/accept-risk`, { reason: 'again', days: 10 }, approver);
    const revoked = await post<FindingDetail>(`/api/v1/findings/${id}/revoke-exception`, {}, approver);
    expect(revoked.body).toMatchObject({ status: 'open', exceptions: [{ endReason: 'revoked' }, { endReason: 'expired' }] });
    const conflict = await post<{ error: { code: string } }>(`/api/v1/findings/${id}/revoke-exception`, {}, approver);
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: 'E_CONFLICT' } } });

    const na = await post<FindingDetail>(`/api/v1/findings/${id}/not-affected`, { note: 'module not loaded' }, t.adminToken);
    expect(na.body).toMatchObject({ status: 'not_affected', notAffected: { reason: 'operator_assessment', note: 'module not loaded' } });
    expect((await get(`/api/v1/findings/f_${'0'.repeat(32)}`)).status).toBe(404);
  });
});
