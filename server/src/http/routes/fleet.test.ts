import { FleetSummary } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../domain/clock.js';
import { inventoryHash } from '../../domain/inventory/inventory-hash.js';
import { enrollDevice } from '../../testing/enroll.js';
import { sampleFacts, sampleInventory, samplePackages } from '../../testing/facts.js';
import type { TestApp } from '../../testing/test-app.js';
import { openTestApp } from '../../testing/test-app.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const DAY = 86_400_000;
let now = new Date('2026-03-10T12:00:00.000Z');
const clock: Clock = { now: () => now };
let t: TestApp;

beforeEach(async () => {
  now = new Date('2026-03-10T12:00:00.000Z');
  t = await openTestApp({ clock });
});
afterEach(async () => {
  await t.close();
});

const get = (url: string, token?: string) => t.app.inject({ method: 'GET', url, headers: t.auth(token) });

/** Enrolls `hostname` at the clock's time with `security` security updates and one other; reboot as given. */
async function device(hostname: string, security: number, reboot: boolean) {
  const { deviceId } = await enrollDevice(t.app, sampleFacts({ hostname }));
  const updates = [
    ...Array.from({ length: security }, (_, i) => ({ manager: 'apt' as const, name: `sec-${i}`, arch: 'amd64', installedVersion: '1', candidateVersion: '2', security: true as const, advisories: [], cves: [] })),
    { manager: 'apt' as const, name: 'other', arch: 'amd64', installedVersion: '1', candidateVersion: '2', security: false as const, advisories: [], cves: [] },
  ];
  const inventory = sampleInventory(samplePackages(5), { facts: sampleFacts({ hostname }), updates, reboot: { required: reboot, reasons: [], packages: [] } });
  expect((await t.app.services.inventory.report(deviceId, { kind: 'full', hash: inventoryHash(inventory), inventory })).ok).toBe(true);
  return deviceId;
}

describe('GET /api/v1/fleet/summary', () => {
  it('counts the fleet as the dashboard shows it, with the worst devices first', async () => {
    now = new Date(now.getTime() - 20 * DAY);
    await device('old-1', 0, false); // last seen 20 days ago
    now = new Date('2026-03-10T12:00:00.000Z');
    await device('web-1', 4, true);
    await device('web-2', 1, false);
    await enrollDevice(t.app, sampleFacts({ hostname: 'new-1' })); // no inventory yet

    const res = await get('/api/v1/fleet/summary?staleDays=7&top=2');
    expect(res.statusCode).toBe(200);
    const body = FleetSummary.parse(res.json());
    expect(body).toMatchObject({
      generatedAt: now.toISOString(),
      staleDays: 7,
      devices: 4,
      online: 0,
      notSeenRecently: 1,
      neverReported: 1,
      rebootPending: 1,
      securityUpdates: { total: 5, devices: 2 },
      updates: { total: 8, devices: 3 },
      byOs: [{ platform: 'linux', distro: 'Debian GNU/Linux', release: '12', devices: 4 }],
    });
    expect(body.lastSeen.map((b) => b.devices)).toEqual([3, 0, 0, 1, 0]);
    expect(body.mostMissingSecurity.map((d) => [d.hostname, d.counts.securityUpdates])).toEqual([
      ['web-1', 4],
      ['web-2', 1],
    ]);
    // Any role may read it; a bad query names the field.
    expect((await get('/api/v1/fleet/summary', await t.tokenWithRole('auditor'))).statusCode).toBe(200);
    const bad = await get('/api/v1/fleet/summary?staleDays=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^querystring\.staleDays/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/fleet/summary' })).statusCode).toBe(401);
  });
});

describe('GET /api/v1/devices filters behind the dashboard numbers', () => {
  it('filters by missing updates, pending reboot and days not seen, and sorts by security updates', async () => {
    now = new Date(now.getTime() - 20 * DAY);
    await device('old-1', 2, false);
    now = new Date('2026-03-10T12:00:00.000Z');
    await device('web-1', 4, true);
    await device('web-2', 0, false);
    const names = async (qs: string) => (await get(`/api/v1/devices?${qs}`)).json().items.map((d: { hostname: string }) => d.hostname);
    expect(await names('missing=security&sort=securityUpdates&order=desc')).toEqual(['web-1', 'old-1']);
    expect(await names('missing=any')).toEqual(['old-1', 'web-1', 'web-2']);
    expect(await names('reboot=required')).toEqual(['web-1']);
    expect(await names('notSeenForDays=7')).toEqual(['old-1']);
    expect(await names('notSeenForDays=30')).toEqual([]);
    expect(await names('sort=updates&order=asc')).toEqual(['web-2', 'old-1', 'web-1']);
    for (const qs of ['missing=some', 'reboot=maybe', 'notSeenForDays=0', 'sort=findings']) {
      const res = await get(`/api/v1/devices?${qs}`);
      expect(res.statusCode, qs).toBe(400);
    }
  });
});
