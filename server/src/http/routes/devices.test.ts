import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inventoryHash } from '../../domain/inventory/inventory-hash.js';
import { enrollDevice } from '../../testing/enroll.js';
import { sampleFacts, sampleInventory, samplePackages } from '../../testing/facts.js';
import type { TestApp } from '../../testing/test-app.js';
import { openTestApp } from '../../testing/test-app.js';

// Real servers, sockets and SQLite files: generous ceilings for a loaded 2-core CI machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
beforeEach(async () => {
  t = await openTestApp();
});
afterEach(async () => {
  await t.close();
});

const get = (url: string, token?: string) => t.app.inject({ method: 'GET', url, headers: t.auth(token) });
const MISSING = '7b0c5e0e-0000-4000-8000-000000000000';

/** Enrolls a device and stores a full report, then a changed full report (history). */
async function deviceWithInventory(hostname = 'web-01') {
  const { deviceId } = await enrollDevice(t.app, sampleFacts({ hostname }), ['web']);
  const first = sampleInventory(samplePackages(30), { facts: sampleFacts({ hostname }) });
  expect((await t.app.services.inventory.report(deviceId, { kind: 'full', hash: inventoryHash(first), inventory: first })).ok).toBe(true);
  const packages = samplePackages(30, (i) => (i === 1 ? '2.0-1' : `1.0-${i}`)).filter((p) => p.name !== 'pkg-00030');
  const second = sampleInventory(packages, { facts: sampleFacts({ hostname }), collectedAt: '2026-01-02T00:00:00.000Z' });
  expect((await t.app.services.inventory.report(deviceId, { kind: 'full', hash: inventoryHash(second), inventory: second })).ok).toBe(true);
  return deviceId;
}

describe('GET /api/v1/devices', () => {
  it('lists devices with paging, total, filters and sort', async () => {
    await enrollDevice(t.app, sampleFacts({ hostname: 'web-01' }), ['web']);
    await enrollDevice(t.app, sampleFacts({ hostname: 'web-02' }), ['web', 'canary']);
    await enrollDevice(
      t.app,
      sampleFacts({ hostname: 'mac-01', os: { platform: 'darwin', distro: 'macOS', release: '14.5', kernel: '23.5.0', arch: 'arm64' } }),
    );
    const all = (await get('/api/v1/devices')).json();
    expect(all).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(all.items.map((d: { hostname: string }) => d.hostname)).toEqual(['mac-01', 'web-01', 'web-02']);
    expect(all.items[0]).toMatchObject({ os: { platform: 'darwin', distro: 'macOS', release: '14.5' }, online: false, inventoryAt: null, rebootRequired: null, counts: { packages: 0 } });
    expect((await get('/api/v1/devices?name=WEB')).json().total).toBe(2);
    expect((await get('/api/v1/devices?os=darwin')).json().items[0].hostname).toBe('mac-01');
    expect((await get('/api/v1/devices?tag=canary')).json().items.map((d: { hostname: string }) => d.hostname)).toEqual(['web-02']);
    const page = (await get('/api/v1/devices?limit=1&offset=1&sort=hostname&order=desc')).json();
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.items.map((d: { hostname: string }) => d.hostname)).toEqual(['web-01']);
  });

  it('answers 400 naming the query field', async () => {
    for (const [qs, path] of [
      ['limit=0', 'querystring.limit'],
      ['limit=5000', 'querystring.limit'],
      ['offset=-1', 'querystring.offset'],
      ['sort=color', 'querystring.sort'],
      ['order=up', 'querystring.order'],
      ['tag=no%20spaces', 'querystring.tag'],
    ]) {
      const res = await get(`/api/v1/devices?${qs}`);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().error.details.issues[0].path).toBe(path);
    }
  });

  it('answers 401 without or with a bad token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/devices' })).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/devices', headers: { authorization: 'Bearer pwt_nope' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json().error.code).toBe('E_UNAUTHORIZED');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/devices', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
  });
});

describe('GET/PATCH /api/v1/devices/:id', () => {
  it('shows facts, inventory state and counts', async () => {
    const id = await deviceWithInventory();
    const res = await get(`/api/v1/devices/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      hostname: 'web-01',
      facts: { hostname: 'web-01', os: { kernel: '6.1.0-18-amd64' } },
      counts: { packages: 29, updates: 2, securityUpdates: 1 },
      rebootRequired: false,
      reboot: { required: false, reasons: [], packages: [] },
      managers: [{ name: 'apt', version: '2.6.1', ok: true }],
      tags: ['web'],
    });
    expect(res.json().inventoryHash).toMatch(/^[a-f0-9]{64}$/);
  });

  it('answers 404 for an unknown device and 400 for a malformed id', async () => {
    expect((await get(`/api/v1/devices/${MISSING}`)).statusCode).toBe(404);
    const bad = await get('/api/v1/devices/not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('params.id');
  });

  it('sets tags and criticality, audits the change, and validates the body', async () => {
    const { deviceId } = await enrollDevice(t.app);
    const patch = (payload: unknown, token?: string) => t.app.inject({ method: 'PATCH', url: `/api/v1/devices/${deviceId}`, headers: t.auth(token), payload: payload as object });
    const res = await patch({ tags: ['web', 'internet-facing', 'web'], criticality: 'critical' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ tags: ['internet-facing', 'web'], criticality: 'critical' });
    const audit = await t.app.services.audit.list({ limit: 5, action: 'device.update' });
    expect(audit[0]?.details).toMatchObject({ criticality: { from: 'medium', to: 'critical' }, tags: { from: [], to: ['internet-facing', 'web'] } });
    for (const [payload, path] of [
      [{}, 'body'],
      [{ criticality: 'extreme' }, 'body.criticality'],
      [{ tags: ['bad tag'] }, 'body.tags.0'],
      [{ tags: 'web' }, 'body.tags'],
      [{ hostname: 'x' }, 'body'],
    ] as const) {
      const r = await patch(payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error.details.issues[0].path).toBe(path);
    }
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/devices/${MISSING}`, headers: t.auth(), payload: { criticality: 'low' } })).statusCode).toBe(404);
    expect((await patch({ criticality: 'low' }, await t.tokenWithRole('auditor'))).statusCode).toBe(403);
    expect((await patch({ criticality: 'low' }, await t.tokenWithRole('operator'))).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/devices/${deviceId}`, payload: { criticality: 'low' } })).statusCode).toBe(401);
  });
});

describe('device inventory routes', () => {
  it('pages and filters installed packages', async () => {
    const id = await deviceWithInventory();
    const page = (await get(`/api/v1/devices/${id}/packages?limit=10&offset=5`)).json();
    expect(page).toMatchObject({ total: 29, limit: 10, offset: 5 });
    expect(page.items[0]).toMatchObject({ manager: 'apt', name: 'pkg-00006', version: '1.0-6', arch: 'amd64', source: { name: 'src-00006', version: '1.0-6' } });
    expect(page.items[0].since).toMatch(/Z$/);
    expect((await get(`/api/v1/devices/${id}/packages?name=pkg-0001`)).json().total).toBe(10);
    expect((await get(`/api/v1/devices/${id}/packages?manager=dnf`)).json().total).toBe(0);
    expect((await get(`/api/v1/devices/${id}/packages?manager=nonsense`)).statusCode).toBe(400);
    expect((await get(`/api/v1/devices/${MISSING}/packages`)).statusCode).toBe(404);
  });

  it('lists updates with the security filter', async () => {
    const id = await deviceWithInventory();
    const all = (await get(`/api/v1/devices/${id}/updates`)).json();
    expect(all.total).toBe(2);
    const security = (await get(`/api/v1/devices/${id}/updates?security=true`)).json();
    expect(security.items).toEqual([
      {
        manager: 'apt',
        name: 'openssl',
        arch: 'amd64',
        installedVersion: '3.0.11-1~deb12u1',
        candidateVersion: '3.0.11-1~deb12u2',
        security: true,
        origin: 'Debian-Security:12/stable-security',
        advisories: ['DSA-5532-1'],
        cves: ['CVE-2023-5363'],
      },
    ]);
    expect((await get(`/api/v1/devices/${id}/updates?security=false`)).json().items.map((u: { name: string }) => u.name)).toEqual(['tzdata']);
    expect((await get(`/api/v1/devices/${id}/updates?security=maybe`)).statusCode).toBe(400);
    expect((await get(`/api/v1/devices/${MISSING}/updates`)).statusCode).toBe(404);
  });

  it('shows package history and the report log', async () => {
    const id = await deviceWithInventory();
    const history = (await get(`/api/v1/devices/${id}/history`)).json();
    expect(history.total).toBe(2);
    expect(history.items.map((h: { name: string; change: string }) => [h.name, h.change]).sort()).toEqual([
      ['pkg-00001', 'upgraded'],
      ['pkg-00030', 'removed'],
    ]);
    expect((await get(`/api/v1/devices/${id}/history?change=removed`)).json().items[0]).toMatchObject({ name: 'pkg-00030', fromVersion: '1.0-30', toVersion: null });
    expect((await get(`/api/v1/devices/${id}/history?since=2030-01-01T00:00:00Z`)).json().total).toBe(0);
    expect((await get(`/api/v1/devices/${id}/history?since=yesterday`)).json().error.details.issues[0].path).toBe('querystring.since');
    const reports = (await get(`/api/v1/devices/${id}/reports`)).json();
    expect(reports.items.map((r: { kind: string; changeCount: number }) => [r.kind, r.changeCount])).toEqual([
      ['full', 2],
      ['full', 0],
    ]);
    expect((await get(`/api/v1/devices/${MISSING}/history`)).statusCode).toBe(404);
    expect((await get(`/api/v1/devices/${MISSING}/reports`)).statusCode).toBe(404);
  });

  it('reads back hostnames and package names full of quotes, semicolons, comment markers and unicode', async () => {
    const hostname = `o'brien"; DROP TABLE devices; -- ü名🚀`;
    const { deviceId } = await enrollDevice(t.app, sampleFacts({ hostname }));
    const packages = [{ manager: 'apt' as const, name: `lib'x";--`, version: `1:2.0~rc1'; --`, arch: 'amd64' }];
    const inventory = sampleInventory(packages, { facts: sampleFacts({ hostname }) });
    expect((await t.app.services.inventory.report(deviceId, { kind: 'full', hash: inventoryHash(inventory), inventory })).ok).toBe(true);
    expect((await get(`/api/v1/devices/${deviceId}`)).json().hostname).toBe(hostname);
    expect((await get(`/api/v1/devices?name=${encodeURIComponent(`"; DROP`)}`)).json().items[0].hostname).toBe(hostname);
    const pkgs = (await get(`/api/v1/devices/${deviceId}/packages?name=${encodeURIComponent(`'x";`)}`)).json();
    expect(pkgs.items[0]).toMatchObject(packages[0] as object);
  });
});
