import { Inventory, type AvailableUpdate, type DeploymentSpecInput } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inventoryHash } from '../../domain/inventory/inventory-hash.js';
import { OPENSSL_UPDATE } from '../../testing/deployment-harness.js';
import { enrollDevice } from '../../testing/enroll.js';
import { sampleFacts } from '../../testing/facts.js';
import { openTestApp, type TestApp } from '../../testing/test-app.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
let operator: string;
let approver: string;
let auditor: string;

beforeEach(async () => {
  t = await openTestApp({ deploymentLoop: false });
  operator = await t.tokenWithRole('operator');
  approver = await t.tokenWithRole('approver');
  auditor = await t.tokenWithRole('auditor');
});
afterEach(async () => {
  await t.close();
});

const DB_SETTINGS = {
  holds: [{ name: 'postgresql-16', reason: 'DBA sign-off' }],
  probes: [{ kind: 'http', name: 'web', url: 'http://127.0.0.1:8080/health', expectStatus: [200] }],
  preflight: { minFreeDiskMb: 1000, pendingReboot: 'skip' },
};

const put = (group: string, body: unknown, token = operator) => t.app.inject({ method: 'PUT', url: `/api/v1/groups/${encodeURIComponent(group)}/safety`, headers: t.auth(token), payload: body as object });

describe('group safety REST', () => {
  it('sets, reads, lists and clears a group, auditing each change with before and after', async () => {
    const created = await put('db', DB_SETTINGS);
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({
      group: 'db',
      settings: { holds: DB_SETTINGS.holds, probes: [{ ...DB_SETTINGS.probes[0], timeoutMs: 5000 }], preflight: { minFreeDiskMb: 1000, requireLockFree: true, requireAcPower: false, pendingReboot: 'skip' } },
      updatedBy: expect.stringMatching(/^api-token:/),
    });
    expect((await put('*', { probes: [{ kind: 'service', name: 'ssh', service: 'ssh' }] })).statusCode).toBe(200);
    expect((await put('db', { holds: [{ name: 'postgresql-16', versionRange: '<17' }] })).statusCode).toBe(200);

    const one = await t.app.inject({ method: 'GET', url: '/api/v1/groups/db/safety', headers: t.auth(auditor) });
    expect(one.json()).toMatchObject({ group: 'db', settings: { holds: [{ name: 'postgresql-16', versionRange: '<17' }], probes: [] } });
    const all = await t.app.inject({ method: 'GET', url: '/api/v1/groups/safety', headers: t.auth(auditor) });
    expect(all.json().items.map((x: { group: string }) => x.group)).toEqual(['*', 'db']);

    const cleared = await t.app.inject({ method: 'DELETE', url: '/api/v1/groups/db/safety', headers: t.auth(operator) });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().group).toBe('db');
    const gone = await t.app.inject({ method: 'GET', url: '/api/v1/groups/db/safety', headers: t.auth(auditor) });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error).toEqual({ code: 'E_NOT_FOUND', message: 'group db has no safety settings' });
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/groups/db/safety', headers: t.auth(operator) })).statusCode).toBe(404);

    const audit = await t.temp.store.audit.list({ limit: 20 });
    const mine = audit.filter((e) => e.action.startsWith('group.safety.'));
    expect(mine.map((e) => `${e.action} ${e.target}`)).toEqual(['group.safety.create group:db', 'group.safety.create group:*', 'group.safety.update group:db', 'group.safety.clear group:db']);
    expect(mine[2]?.details).toMatchObject({ before: { holds: [{ name: 'postgresql-16', reason: 'DBA sign-off' }] }, after: { holds: [{ name: 'postgresql-16', versionRange: '<17' }] } });
    expect(mine[3]?.details).toMatchObject({ before: { holds: [{ name: 'postgresql-16', versionRange: '<17' }] }, after: null });
  });

  it('answers bad input with 400 naming the field, and stores nothing', async () => {
    const cases: [string, unknown, string][] = [
      ['db', { probes: [{ kind: 'tcp', name: 'pg', port: 0 }] }, 'body.probes.0.port: port must be between 1 and 65535 (got 0)'],
      ['db', { probes: [{ kind: 'http', name: 'web', url: 'localhost:8080' }] }, 'body.probes.0.url: url must be an absolute http:// or https:// URL'],
      ['db', { holds: [{ name: 'openssl', versionRange: 'latest' }] }, 'body.holds.0.versionRange: versionRange is comparisons like ">=1.4 <2.0"'],
      ['db', { preflight: { minFreeDiskMb: -5 } }, 'body.preflight.minFreeDiskMb: minFreeDiskMb must be 0 or more'],
      ['db', { probes: [{ kind: 'tcp', name: 'x', port: 1 }, { kind: 'tcp', name: 'x', port: 2 }] }, 'body.probes.1.name: probe name "x" is already used by probes.0'],
      ['db', { hold: [] }, 'unknown field(s) "hold": expected holds, probes, preflight, settleMs'],
      ['two words', {}, 'params.group: group names are 1-58 characters'],
    ];
    for (const [group, body, message] of cases) {
      const res = await put(group, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('E_VALIDATION');
      expect(res.json().error.message).toContain(message);
    }
    expect(await t.temp.store.groupSafety.list()).toEqual([]);
    expect((await t.temp.store.audit.list({ limit: 50 })).filter((e) => e.action.startsWith('group.safety.'))).toEqual([]);
  });

  it('lets auditors read and only operators or admins write', async () => {
    expect((await put('db', DB_SETTINGS, auditor)).statusCode).toBe(403);
    expect((await put('db', DB_SETTINGS, approver)).statusCode).toBe(403);
    expect((await put('db', DB_SETTINGS, t.adminToken)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/groups/db/safety', headers: t.auth(approver) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/groups/safety', headers: t.auth(approver) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/groups/safety' })).statusCode).toBe(401);
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { security?: unknown }>> };
    expect(Object.keys(doc.paths['/api/v1/groups/{group}/safety'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/api/v1/groups/{group}/safety']?.put?.security).toEqual([{ apiToken: [] }]);
    const table = t.app.routeTable().filter((r) => r.url.includes('/safety') && r.method !== 'HEAD');
    expect(table.map((r) => `${r.method} ${r.url} ${typeof r.access === 'object' && r.access ? r.access.role : r.access}`).sort()).toEqual([
      'DELETE /api/v1/groups/:group/safety operator',
      'GET /api/v1/groups/:group/safety auditor',
      'GET /api/v1/groups/safety auditor',
      'PUT /api/v1/groups/:group/safety operator',
    ]);
  });

  it('refuses a deployment that names a held package with 409 E_PKG_HELD, naming package, group and reason, and stores nothing', async () => {
    const pg: AvailableUpdate = { ...OPENSSL_UPDATE, name: 'postgresql-16', installedVersion: '16.4-1', candidateVersion: '16.5-1', advisories: [], cves: [] };
    const enrolled = await enrollDevice(t.app, sampleFacts({ hostname: 'db-01' }), ['group=db']);
    const inventory = Inventory.parse({
      collectedAt: new Date().toISOString(),
      facts: sampleFacts({ hostname: 'db-01' }),
      managers: [{ name: 'apt', ok: true }],
      packages: [{ manager: 'apt', name: 'postgresql-16', arch: 'amd64', version: '16.4-1' }],
      updates: [pg],
      reboot: { required: false },
    });
    const stored = await t.app.services.inventory.report(enrolled.deviceId, { kind: 'full', hash: inventoryHash(inventory), inventory });
    if (!stored.ok) throw new Error(stored.message);
    await put('db', DB_SETTINGS);
    const spec: DeploymentSpecInput = {
      name: 'postgres minor',
      what: { kind: 'packages', packages: [{ name: 'postgresql-16', version: null }] },
      targets: { groups: ['db'] },
      waves: [{ name: 'all', select: { kind: 'rest' } }],
    };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/deployments', headers: t.auth(operator), payload: spec });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'E_PKG_HELD',
      message: expect.stringContaining('what.packages.0: postgresql-16 is held: never to be changed (reason: DBA sign-off) by group db on 1 target device'),
      details: { held: [{ package: 'postgresql-16', group: 'db', reason: 'DBA sign-off', devices: 1 }] },
    });
    expect((await t.temp.store.deployments.list({ limit: 10, offset: 0 })).total).toBe(0);
    // Excluding the group, as the error suggests, leaves no target here: a validation error, still nothing stored.
    const excluded = await t.app.inject({ method: 'POST', url: '/api/v1/deployments', headers: t.auth(operator), payload: { ...spec, targets: { groups: ['db'], exclude: { tags: ['group=db'] } } } });
    expect(excluded.statusCode).toBe(400);
    expect((await t.temp.store.deployments.list({ limit: 10, offset: 0 })).total).toBe(0);
  });
});
