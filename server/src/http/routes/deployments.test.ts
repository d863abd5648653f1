import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { DeploymentSpecInput, JobResultPayload } from '@patchwave/shared';
import { agentFrame, AGENT_WS_PATH, Inventory, JOBS_CAPABILITY, PROTOCOL_VERSION } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inventoryHash } from '../../domain/inventory/inventory-hash.js';
import { OPENSSL_UPDATE } from '../../testing/deployment-harness.js';
import { enrollDevice } from '../../testing/enroll.js';
import { sampleFacts } from '../../testing/facts.js';
import { openTestApp, type TestApp } from '../../testing/test-app.js';
import { TestAgentSocket } from '../../testing/ws-client.js';

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

async function device(hostname: string, tags: string[] = ['web']) {
  const enrolled = await enrollDevice(t.app, sampleFacts({ hostname }), tags);
  const inventory = Inventory.parse({
    collectedAt: new Date().toISOString(),
    facts: sampleFacts({ hostname }),
    managers: [{ name: 'apt', ok: true }],
    packages: [{ manager: 'apt', name: 'openssl', arch: 'amd64', version: '1.0' }],
    updates: [OPENSSL_UPDATE],
    reboot: { required: false },
  });
  const stored = await t.app.services.inventory.report(enrolled.deviceId, { kind: 'full', hash: inventoryHash(inventory), inventory });
  if (!stored.ok) throw new Error(stored.message);
  return enrolled;
}

const spec = (over: Partial<DeploymentSpecInput> = {}): DeploymentSpecInput => ({
  name: 'security updates for web',
  what: { kind: 'security' },
  targets: { tags: ['web'] },
  waves: [
    { name: 'canary', select: { kind: 'percent', percent: 50 }, gates: { minSuccessRate: 100 } },
    { name: 'rest', select: { kind: 'rest' } },
  ],
  rebootPolicy: { mode: 'never' },
  ...over,
});

const call = (method: 'GET' | 'POST', url: string, token: string | null, payload?: unknown) =>
  t.app.inject({ method, url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), ...(payload !== undefined ? { payload: payload as object } : {}) });

async function create(over: Partial<DeploymentSpecInput> = {}, token = operator): Promise<string> {
  const res = await call('POST', '/api/v1/deployments', token, spec(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

describe('deployment routes: access', () => {
  it('refuses every route without a token (401) and with a role too weak (403)', async () => {
    await device('web-01');
    const id = await create();
    const routes: [method: 'GET' | 'POST', url: string, role: 'auditor' | 'operator' | 'approver', body?: unknown][] = [
      ['POST', '/api/v1/deployments', 'operator', spec()],
      ['GET', '/api/v1/deployments', 'auditor'],
      ['GET', `/api/v1/deployments/${id}`, 'auditor'],
      ['POST', `/api/v1/deployments/${id}/plan`, 'operator'],
      ['GET', `/api/v1/deployments/${id}/plan`, 'auditor'],
      ['POST', `/api/v1/deployments/${id}/approve`, 'approver', {}],
      ['POST', `/api/v1/deployments/${id}/start`, 'operator', {}],
      ['POST', `/api/v1/deployments/${id}/pause`, 'operator', { reason: 'x' }],
      ['POST', `/api/v1/deployments/${id}/resume`, 'operator', { reason: 'x' }],
      ['POST', `/api/v1/deployments/${id}/abort`, 'operator', { reason: 'x' }],
      ['POST', `/api/v1/deployments/${id}/skip-gate`, 'operator', { wave: 0, gates: ['soak'], reason: 'x' }],
      ['POST', `/api/v1/deployments/${id}/rollback`, 'operator', { scope: { kind: 'deployment' }, reason: 'x' }],
      ['GET', `/api/v1/deployments/${id}/devices`, 'auditor'],
      ['GET', `/api/v1/deployments/${id}/events`, 'auditor'],
    ];
    for (const [method, url, role, body] of routes) {
      const anonymous = await call(method, url, null, body);
      expect(anonymous.statusCode, `${method} ${url}`).toBe(401);
      if (role === 'auditor') continue;
      const weak = await call(method, url, role === 'approver' ? operator : auditor, body);
      expect(weak.statusCode, `${method} ${url}`).toBe(403);
      expect(weak.json()).toMatchObject({ error: { code: 'E_FORBIDDEN' } });
    }
    const table = t.app.routeTable().filter((r) => r.url.startsWith('/api/v1/deployments'));
    expect(table.every((r) => r.access !== null && r.access !== 'public')).toBe(true);
  });
});

describe('deployment routes: bad input', () => {
  it('answers 400 with a clear message and stores nothing', async () => {
    await device('web-01');
    const cases: [unknown, RegExp][] = [
      [spec({ targets: {} }), /no targets: select devices by tags, groups, os, deviceIds or queryId/],
      [spec({ targets: { tags: ['db'] } }), /targets: no targets: no enrolled device matches \(tags db\)/],
      [
        spec({ waves: [{ name: 'a', select: { kind: 'percent', percent: 60 } }, { name: 'b', select: { kind: 'percent', percent: 60 } }] }),
        /overlapping waves: percentages add up to 120% \(a 60% \+ b 60%\)/,
      ],
      [
        spec({ waves: [{ name: 'a', select: { kind: 'tags', tags: ['web'] } }, { name: 'b', select: { kind: 'tags', tags: ['web'] } }] }),
        /overlapping waves: tag "web" is already selected by wave "a"/,
      ],
      [spec({ waves: [{ name: 'a', select: { kind: 'rest' }, gates: { minSuccessRate: 140 } }] }), /minSuccessRate must be between 0 and 100 \(got 140\)/],
      [spec({ schedule: { windows: [{ group: '*', cron: 'every night', durationMinutes: 60, timeZone: 'UTC' }] } }), /schedule\.windows\.0\.cron: "every night" has 2 fields/],
      [spec({ what: { kind: 'packages', packages: [{ name: 'libfoo-does-not-exist', version: null }] } }), /what\.packages\.0\.name: unknown package "libfoo-does-not-exist"/],
    ];
    for (const [body, message] of cases) {
      const res = await call('POST', '/api/v1/deployments', operator, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'E_VALIDATION', message: expect.stringMatching(message) } });
    }
    const list = await call('GET', '/api/v1/deployments', auditor);
    expect(list.json()).toMatchObject({ items: [], total: 0 });
    expect(await t.app.services.audit.list({ limit: 10, action: 'deployment.create' })).toEqual([]);

    const id = await create();
    expect((await call('GET', '/api/v1/deployments/not-a-uuid', auditor)).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/deployments/00000000-0000-4000-8000-000000000000', auditor)).statusCode).toBe(404);
    expect((await call('POST', `/api/v1/deployments/${id}/pause`, operator, {})).json()).toMatchObject({ error: { code: 'E_VALIDATION', message: expect.stringMatching(/^body\.reason/) } });
    expect((await call('POST', `/api/v1/deployments/${id}/skip-gate`, operator, { wave: 0, gates: ['nope'], reason: 'x' })).statusCode).toBe(400);
    expect((await call('POST', `/api/v1/deployments/${id}/rollback`, operator, { scope: { kind: 'galaxy' }, reason: 'x' })).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/deployments?state=running,bogus', auditor)).json()).toMatchObject({ error: { message: expect.stringMatching(/unknown state bogus/) } });
  });
});

describe('deployment routes: lifecycle over a real agent socket', () => {
  it('creates, plans, approves, starts, receives results over the WebSocket and reports per device', async () => {
    const dev = await device('web-01');
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const agent = TestAgentSocket.connect(`${address.replace('http', 'ws')}${AGENT_WS_PATH}`, dev.credential);
    await agent.opened;
    agent.send(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0', capabilities: [JOBS_CAPABILITY] }));
    expect((await agent.next()).type).toBe('server.welcome');

    const id = await create({ approval: { required: true, changeRecord: 'CHG-7' }, waves: [{ name: 'all', select: { kind: 'rest' } }] });
    expect((await call('GET', `/api/v1/deployments/${id}`, auditor)).json()).toMatchObject({ state: 'awaiting_approval', waveCount: 1 });
    expect((await call('POST', `/api/v1/deployments/${id}/start`, operator, {})).json()).toMatchObject({ error: { code: 'E_ILLEGAL_TRANSITION' } });

    const planned = await call('POST', `/api/v1/deployments/${id}/plan`, operator);
    expect(planned.statusCode).toBe(202);
    const planOffer = await agent.next();
    if (planOffer.type !== 'job.offer') throw new Error(`expected an offer, got ${planOffer.type}`);
    expect(planOffer.payload.job.action).toEqual({ kind: 'plan', selection: { kind: 'security' } });
    const planResult: JobResultPayload = {
      jobId: planOffer.payload.job.jobId,
      deviceId: dev.deviceId,
      kind: 'plan',
      status: 'succeeded',
      finishedAt: new Date().toISOString(),
      exitCode: 0,
      packages: [],
      plans: [{ manager: 'apt', changes: [{ kind: 'upgrade', name: 'openssl', arch: 'amd64', from: '1.0', to: '1.1' }], unresolved: [], notes: [] }],
      reboot: { required: false, performed: false },
      outputTail: '',
      inventoryHash: null,
    };
    const planFrame = agentFrame('job.result', planResult);
    agent.send(planFrame);
    expect(await agent.next()).toMatchObject({ type: 'ack', payload: { of: planFrame.id } });
    expect((await call('GET', `/api/v1/deployments/${id}/plan`, auditor)).json()).toMatchObject({
      summary: { devices: 1, ready: 1, withChanges: 1 },
      devices: [{ deviceId: dev.deviceId, hostname: 'web-01', status: 'ready', plans: [{ changes: [{ name: 'openssl', to: '1.1' }] }] }],
    });

    const selfApproval = await call('POST', `/api/v1/deployments/${id}/approve`, operator, {});
    expect(selfApproval.statusCode).toBe(403);
    const approved = await call('POST', `/api/v1/deployments/${id}/approve`, approver, { comment: 'dry run looks right' });
    expect(approved.json()).toMatchObject({ state: 'scheduled', approval: { changeRecord: 'CHG-7', comment: 'dry run looks right' } });
    expect((await call('POST', `/api/v1/deployments/${id}/start`, operator, { reason: 'change window' })).json()).toMatchObject({ state: 'running', currentWave: 0 });
    await t.app.deployments.orchestrator.tick();
    const offer = await agent.next();
    if (offer.type !== 'job.offer') throw new Error(`expected an offer, got ${offer.type}`);
    expect(offer.payload.job).toMatchObject({ deviceId: dev.deviceId, deploymentId: id, action: { kind: 'apply', packages: [{ name: 'openssl', version: '1.1' }] } });
    const jobId = offer.payload.job.jobId;
    agent.send(agentFrame('job.accepted', { jobId, state: 'running' }));
    const result = agentFrame('job.result', {
      ...planResult,
      jobId,
      kind: 'apply',
      plans: undefined,
      packages: [{ manager: 'apt', name: 'openssl', arch: 'amd64', requested: '1.1', before: '1.0', after: '1.1', ok: true }],
      rollbackPlan: [{ manager: 'apt', name: 'openssl', arch: 'amd64', version: '1.0' }],
    });
    agent.send(result);
    expect(await agent.next()).toMatchObject({ type: 'ack', payload: { of: result.id } });
    agent.send(result);
    expect(await agent.next()).toMatchObject({ type: 'ack', payload: { of: result.id } });
    await t.app.deployments.orchestrator.tick();

    const view = (await call('GET', `/api/v1/deployments/${id}`, auditor)).json();
    expect(view).toMatchObject({ state: 'completed', counts: { succeeded: 1 }, waves: [{ state: 'passed', gate: { verdict: 'pass', checks: expect.arrayContaining([{ gate: 'completion', status: 'pass', detail: 'all 1 devices have an outcome' }]) } }] });
    const devices = (await call('GET', `/api/v1/deployments/${id}/devices?kind=apply`, auditor)).json();
    expect(devices).toMatchObject({ total: 1, items: [{ deviceId: dev.deviceId, hostname: 'web-01', state: 'succeeded', result: { packages: [{ before: '1.0', after: '1.1' }] } }] });
    expect((await t.app.services.audit.list({ limit: 100, action: 'deployment.job.result' })).filter((e) => e.details.jobId === jobId)).toHaveLength(1);

    // A completed deployment can be rolled back; the agent gets the recorded versions.
    const rollback = await call('POST', `/api/v1/deployments/${id}/rollback`, operator, { scope: { kind: 'devices', deviceIds: [dev.deviceId] }, reason: 'regression' });
    expect(rollback.statusCode).toBe(202);
    expect(rollback.json()).toMatchObject({ jobs: [{ deviceId: dev.deviceId, packages: 1 }], skipped: [] });
    const rbOffer = await agent.next();
    expect(rbOffer).toMatchObject({ type: 'job.offer', payload: { job: { action: { kind: 'rollback', packages: [{ name: 'openssl', version: '1.0' }], of: jobId } } } });
    agent.ws.close();
    await agent.closed;
  });

  it('pauses, resumes, skips a gate and aborts, each audited with its reason; a running deployment refuses rollback', async () => {
    await device('web-01');
    await device('web-02');
    const id = await create({ waves: [{ name: 'canary', select: { kind: 'percent', percent: 50 }, gates: { soakMinutes: 60 } }, { name: 'rest', select: { kind: 'rest' } }] });
    expect((await call('POST', `/api/v1/deployments/${id}/start`, operator, {})).statusCode).toBe(200);
    expect((await call('POST', `/api/v1/deployments/${id}/rollback`, operator, { scope: { kind: 'deployment' }, reason: 'x' })).statusCode).toBe(409);
    expect((await call('POST', `/api/v1/deployments/${id}/pause`, operator, { reason: 'looking at the canary' })).json()).toMatchObject({ state: 'paused' });
    expect((await call('POST', `/api/v1/deployments/${id}/resume`, operator, { reason: 'fine' })).json()).toMatchObject({ state: 'running' });
    expect((await call('POST', `/api/v1/deployments/${id}/skip-gate`, operator, { wave: 1, gates: ['soak'], reason: 'x' })).statusCode).toBe(409);
    const skipped = await call('POST', `/api/v1/deployments/${id}/skip-gate`, operator, { wave: 0, gates: ['soak'], reason: 'urgent CVE' });
    expect(skipped.json()).toMatchObject({ waves: [{ skippedGates: ['soak'] }, {}] });
    const aborted = await call('POST', `/api/v1/deployments/${id}/abort`, operator, { reason: 'wrong selection' });
    expect(aborted.json()).toMatchObject({ state: 'aborted', waves: [{ state: 'aborted' }, { state: 'aborted' }] });
    expect((await call('POST', `/api/v1/deployments/${id}/resume`, operator, { reason: 'x' })).json()).toMatchObject({ error: { code: 'E_ILLEGAL_TRANSITION' } });
    const actions = await t.app.services.audit.list({ limit: 100, target: `deployment:${id}` });
    const byAction = (a: string) => actions.find((e) => e.action === a)?.details;
    expect(byAction('deployment.pause')).toMatchObject({ reason: 'looking at the canary', from: 'running', to: 'paused' });
    expect(byAction('deployment.skip-gate')).toMatchObject({ reason: 'urgent CVE', gates: ['soak'] });
    expect(byAction('deployment.abort')).toMatchObject({ reason: 'wrong selection', to: 'aborted' });
    const list = await call('GET', '/api/v1/deployments?state=aborted', auditor);
    expect(list.json()).toMatchObject({ total: 1, items: [{ id, state: 'aborted', waveCount: 2, targetCount: 2 }] });
  });

  it('streams a snapshot and then state changes as server-sent events', async () => {
    await device('web-01');
    const id = await create({ waves: [{ name: 'all', select: { kind: 'rest' } }] });
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const chunks: string[] = [];
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${address}/api/v1/deployments/${id}/events`, { headers: { authorization: `Bearer ${auditor}` } }, resolve);
      req.on('error', reject);
      req.end();
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const received = (pattern: RegExp) =>
      new Promise<string>((resolve) => {
        const check = () => {
          const text = chunks.join('');
          if (pattern.test(text)) resolve(text);
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c.toString());
          check();
        });
        check();
      });
    const snapshot = await received(/event: snapshot\n/);
    const data = /event: snapshot\nid: \d+\ndata: (.*)\n/.exec(snapshot)?.[1] ?? '';
    expect(JSON.parse(data)).toMatchObject({ type: 'snapshot', deployment: { id, state: 'scheduled' } });
    await call('POST', `/api/v1/deployments/${id}/pause`, operator, { reason: 'x' }).then((r) => expect(r.statusCode).toBe(409));
    await call('POST', `/api/v1/deployments/${id}/start`, operator, {});
    const text = await received(/event: deployment.updated\n/);
    const update = /event: deployment.updated\nid: \d+\ndata: (.*)\n/.exec(text)?.[1] ?? '';
    expect(JSON.parse(update)).toMatchObject({ type: 'deployment.updated', deploymentId: id, state: 'running', currentWave: 0, action: 'deployment.start' });
    res.destroy();
  });
});
