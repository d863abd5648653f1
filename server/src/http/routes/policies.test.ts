import { Inventory, type PolicySpecInput } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../domain/clock.js';
import { inventoryHash } from '../../domain/inventory/inventory-hash.js';
import { OPENSSL_UPDATE } from '../../testing/deployment-harness.js';
import { enrollDevice } from '../../testing/enroll.js';
import { sampleFacts } from '../../testing/facts.js';
import { openTestApp, type TestApp } from '../../testing/test-app.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
let clock: ManualClock;
let operator: string;
let approver: string;
let auditor: string;

beforeEach(async () => {
  clock = new ManualClock('2026-03-02T10:00:00.000Z');
  t = await openTestApp({ clock, deploymentLoop: false, policyLoop: false });
  operator = await t.tokenWithRole('operator');
  approver = await t.tokenWithRole('approver');
  auditor = await t.tokenWithRole('auditor');
});
afterEach(async () => {
  await t.close();
});

const spec = (over: Partial<PolicySpecInput> = {}): PolicySpecInput => ({
  name: 'web patch tuesday',
  scope: { tags: ['web'] },
  schedule: { recurrence: { kind: 'monthly-nth', nth: 2, weekday: 'tue', time: '03:00' }, timeZone: 'America/New_York' },
  deferral: { days: 3 },
  autoApproval: { enabled: true },
  ...over,
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string | null, payload?: unknown) =>
  t.app.inject({ method, url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), ...(payload !== undefined ? { payload: payload as object } : {}) });

async function device(hostname: string) {
  const enrolled = await enrollDevice(t.app, sampleFacts({ hostname }), ['web']);
  const inventory = Inventory.parse({
    collectedAt: clock.now().toISOString(),
    facts: sampleFacts({ hostname }),
    managers: [{ name: 'apt', ok: true }],
    packages: [{ manager: 'apt', name: 'openssl', arch: 'amd64', version: '1.0' }],
    updates: [OPENSSL_UPDATE],
    reboot: { required: false },
  });
  const stored = await t.app.services.inventory.report(enrolled.deviceId, { kind: 'full', hash: inventoryHash(inventory), inventory });
  if (!stored.ok) throw new Error(stored.message);
  return enrolled.deviceId;
}

describe('policy routes', () => {
  it('creates, reads, lists, replaces and deletes a policy, auditing each change', async () => {
    await device('web-01');
    const created = await call('POST', '/api/v1/policies', operator, spec());
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ name: 'web patch tuesday', state: 'active', lastRun: null, nextRuns: [{ timeZone: 'America/New_York', at: '2026-03-10T07:00:00.000Z', devices: 1 }] });
    expect(body.spec.autoApproval).toMatchObject({ enabled: true, maxSeverity: 'high', blockRemovals: true });
    expect((await call('GET', `/api/v1/policies/${body.id}`, auditor)).json().id).toBe(body.id);
    expect((await call('GET', '/api/v1/policies/web%20patch%20tuesday', auditor)).json().id).toBe(body.id);
    expect((await call('GET', '/api/v1/policies', auditor)).json()).toMatchObject({ total: 1, items: [{ id: body.id }] });
    const replaced = await call('PUT', `/api/v1/policies/${body.id}`, operator, spec({ schedule: { recurrence: { kind: 'weekly', days: ['sat'], time: '22:00' }, timeZone: 'UTC' } }));
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().nextRuns).toEqual([{ timeZone: 'UTC', at: '2026-03-07T22:00:00.000Z', devices: 1, fallback: false }]);
    expect((await call('POST', '/api/v1/policies', operator, spec())).statusCode).toBe(409);
    expect((await call('DELETE', `/api/v1/policies/${body.id}`, operator)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/policies/${body.id}`, auditor)).statusCode).toBe(404);
    const actions = (await t.app.services.audit.list({ limit: 100 })).filter((e) => e.target === `policy:${body.id}`).map((e) => e.action);
    expect(actions).toEqual(['policy.create', 'policy.update', 'policy.delete']);
  });

  it('answers 400 naming the field for bad input, and stores nothing', async () => {
    const cases: [Partial<PolicySpecInput>, string][] = [
      [{ deferral: { days: -1 } }, 'deferral.days'],
      [{ schedule: { recurrence: { kind: 'once', date: '2026-02-30', time: '02:00' } } }, 'schedule.recurrence.date'],
      [{ schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '25:00' } } }, 'schedule.recurrence.time'],
      [{ schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' }, timeZone: 'Europe/Atlantis' } }, 'schedule.timeZone'],
      [{ schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' }, startDate: '2026-02-29' } }, 'schedule.startDate'],
    ];
    for (const [over, field] of cases) {
      const res = await call('POST', '/api/v1/policies', operator, spec(over));
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.code).toBe('E_VALIDATION');
      expect(JSON.stringify(res.json().error), field).toContain(field);
    }
    const cron = await call('POST', '/api/v1/policies', operator, spec({ schedule: { recurrence: { kind: 'cron', expression: '61 2 * * *' } } }));
    expect(cron.statusCode).toBe(400);
    expect(cron.json().error.message).toContain('schedule.recurrence.expression');
    expect((await call('GET', '/api/v1/policies', auditor)).json().total).toBe(0);
  });

  it('runs now, records the run with its deployment, pauses and resumes, and keeps the history', async () => {
    await device('web-01');
    const id = (await call('POST', '/api/v1/policies', operator, spec({ deferral: { days: 0 } }))).json().id as string;
    const run = await call('POST', `/api/v1/policies/${id}/run-now`, operator);
    expect(run.statusCode).toBe(202);
    expect(run.json()).toMatchObject({ trigger: 'run-now', outcome: 'awaiting-plan', devices: 1, packages: 1 });
    const deployment = await call('GET', `/api/v1/deployments/${run.json().deploymentId}`, auditor);
    expect(deployment.json()).toMatchObject({ state: 'awaiting_approval', createdBy: `policy-run:${run.json().id}` });
    const paused = await call('POST', `/api/v1/policies/${id}/pause`, operator, { reason: 'freeze' });
    expect(paused.json()).toMatchObject({ state: 'paused', pauseReason: 'freeze', nextRuns: [] });
    expect((await call('POST', `/api/v1/policies/${id}/pause`, operator, { reason: 'again' })).statusCode).toBe(409);
    expect((await call('POST', `/api/v1/policies/${id}/resume`, operator, { reason: 'thaw' })).json().state).toBe('active');
    clock.advance(60_000);
    await call('POST', `/api/v1/policies/${id}/run-now`, operator);
    const history = await call('GET', `/api/v1/policies/${id}/runs?limit=10`, auditor);
    expect(history.json().total).toBe(2);
    // The second run finds the update already in the first run's open deployment: nothing new to do.
    expect(history.json().items.map((r: { outcome: string }) => r.outcome)).toEqual(['nothing-to-do', 'awaiting-plan']);
    expect(history.json().items[1]).toMatchObject({ deploymentId: run.json().deploymentId, deploymentState: 'awaiting_approval' });
    expect(history.json().items[0].reasons.join(' ')).toContain(`1 update(s) skipped: already in an open deployment of this policy (${run.json().deploymentId})`);
  });

  it('lets any role read and only operators and admins change', async () => {
    const id = (await call('POST', '/api/v1/policies', operator, spec())).json().id as string;
    expect((await call('GET', `/api/v1/policies/${id}/runs`, auditor)).statusCode).toBe(200);
    for (const token of [auditor, approver]) {
      expect((await call('POST', '/api/v1/policies', token, spec({ name: 'other' }))).statusCode).toBe(403);
      expect((await call('PUT', `/api/v1/policies/${id}`, token, spec())).statusCode).toBe(403);
      expect((await call('DELETE', `/api/v1/policies/${id}`, token)).statusCode).toBe(403);
      for (const action of ['pause', 'resume', 'run-now']) expect((await call('POST', `/api/v1/policies/${id}/${action}`, token, { reason: 'x' })).statusCode).toBe(403);
    }
    expect((await call('GET', '/api/v1/policies', null)).statusCode).toBe(401);
    const routes = t.app
      .routeTable()
      .filter((r) => r.url.startsWith('/api/v1/policies') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url} ${typeof r.access === 'object' && r.access ? r.access.role : String(r.access)}`)
      .sort();
    expect(routes).toEqual([
      'DELETE /api/v1/policies/:id operator',
      'GET /api/v1/policies auditor',
      'GET /api/v1/policies/:id auditor',
      'GET /api/v1/policies/:id/runs auditor',
      'POST /api/v1/policies operator',
      'POST /api/v1/policies/:id/pause operator',
      'POST /api/v1/policies/:id/resume operator',
      'POST /api/v1/policies/:id/run-now operator',
      'PUT /api/v1/policies/:id operator',
    ]);
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/policies', '/api/v1/policies/{id}', '/api/v1/policies/{id}/run-now', '/api/v1/policies/{id}/runs']));
  });
});
