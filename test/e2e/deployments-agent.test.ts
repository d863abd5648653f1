import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentForTests } from '../support/agent-bundle.js';
import { Api, SimAgent, startDeployServer, waitForDeployment, waitForFleet, writeScenario, type DeployServer } from '../support/deploy-fleet.js';
import { freePort, stop, waitFor } from '../support/processes.js';

/**
 * Issue 4, scenarios 4 and 5 with real processes: an agent killed in the middle of an apply
 * reports `interrupted` with what is really installed, exactly once; an agent that was offline
 * during its maintenance window catches up in its next one (windows of a few seconds, cron with a
 * seconds field, computed from the clock when the test runs).
 */

let dir: string;
let server: DeployServer;
let api: Api;
let bin: string;
const agents: SimAgent[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-e2e-agent-'));
  server = await startDeployServer(dir, await freePort());
  api = new Api(() => server);
  bin = await bundleAgentForTests(dir);
}, 120_000);

afterAll(async () => {
  for (const a of agents) await a.stop('SIGKILL');
  if (server) await stop(server.proc, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const two = [
  { name: 'openssl', arch: 'amd64', installed: '3.0.11-1', versions: ['3.0.11-1', '3.0.13-1'], security: true },
  { name: 'curl', arch: 'amd64', installed: '7.88.1-10', versions: ['7.88.1-10', '7.88.1-10+deb12u5'], security: true },
];

describe('agent killed in the middle of an apply', () => {
  it('reports interrupted with the real installed state, exactly once, after it is restarted', async () => {
    const scenario = join(dir, 'crash.json');
    writeScenario(scenario, { name: 'power cut', packages: two, delays: { perPackageMs: 200 }, crash: { afterPackages: 1 } });
    const agent = new SimAgent('crashing', dir, scenario, () => server.url, await api.enrollmentToken(1, ['crash']), bin);
    agents.push(agent);
    const proc = agent.start();
    const deviceId = (await waitForFleet(api, [agent])).get('crashing');
    const id = await api.create({
      name: 'two packages',
      what: { kind: 'security' },
      targets: { tags: ['crash'] },
      waves: [{ name: 'all', select: { kind: 'rest' } }],
      rebootPolicy: { mode: 'never' },
    });
    await api.ok('POST', `/api/v1/deployments/${id}/start`, {});
    // The scenario kills the agent with SIGKILL after the first package, like a power cut.
    await proc.exited;
    expect(proc.child.signalCode).toBe('SIGKILL');
    const [cut] = await api.jobs(id, '?kind=apply');
    expect(cut?.state === 'accepted' || cut?.state === 'running' || cut?.state === 'offered').toBe(true);
    // One package was installed before the cut, the other not.
    const cutState = agent.installed();
    const upgraded = Object.entries(cutState).filter(([key, v]) => v === two.find((p) => `${p.name}@amd64` === key)?.versions[1]);
    expect(upgraded).toHaveLength(1);

    agent.start();
    const done = await waitForDeployment(api, id, 'the interrupted result', (d) => d.state === 'completed', 60_000);
    expect(done.counts).toMatchObject({ interrupted: 1 });
    const [job] = await api.jobs(id, '?kind=apply');
    expect(job).toMatchObject({ deviceId, state: 'interrupted', errorCode: 'E_JOB_INTERRUPTED' });
    expect(job?.result?.message).toMatch(/^the agent stopped while simulated was changing packages/);
    // The result says what is really installed: the package done before the cut, and the one never started.
    expect(job?.result?.packages).toHaveLength(2);
    for (const p of two) {
      const reported = job?.result?.packages.find((x) => x.name === p.name);
      const now = cutState[`${p.name}@amd64`];
      expect(reported, p.name).toMatchObject({ before: p.installed, after: now, ok: now !== p.installed });
      if (now === p.installed) expect(reported?.errorCode).toBe('E_JOB_INTERRUPTED');
    }
    expect(job?.evidence?.verified).toBe(true);
    // Exactly once: one result in the agent's journal, one stored and audited by the server; the job never ran again.
    await waitFor('the agent to settle', () => (agent.journal().some((r) => r.t === 'acked') ? true : undefined), { timeoutMs: 30_000 });
    expect(agent.jobRuns().get(job?.jobId ?? '')).toEqual({ received: 1, applyStarts: 1, results: ['interrupted'] });
    const audit = await api.ok<{ items: { details: { jobId?: string } }[] }>('GET', `/api/v1/audit?action=deployment.job.result&limit=500`);
    expect(audit.items.filter((e) => e.details.jobId === job?.jobId)).toHaveLength(1);
    expect(agent.installed()).toEqual(cutState);
  });
});

describe('agent offline during its maintenance window', () => {
  it('gets nothing while closed and catches up in its next window', async () => {
    const scenario = join(dir, 'window.json');
    writeScenario(scenario, { name: 'window', packages: two.slice(0, 1), delays: { perPackageMs: 100 } });
    const agent = new SimAgent('sleepy', dir, scenario, () => server.url, await api.enrollmentToken(1, ['window']), bin);
    agents.push(agent);
    agent.start();
    const deviceId = (await waitForFleet(api, [agent])).get('sleepy') as string;
    await agent.stop('SIGTERM');
    await waitFor('the device to be offline', async () => ((await api.devices()).find((d) => d.id === deviceId)?.online === false ? true : undefined), { timeoutMs: 30_000 });

    // Two windows a minute (cron with a seconds field): the first opens in 6 s for 6 s while the agent is
    // off; the second opens 36 s from now. The agent comes back in between.
    const t0 = Math.ceil(Date.now() / 1000) * 1000;
    const at = (s: number) => new Date(t0 + s * 1000);
    const cronAt = (d: Date) => `${d.getUTCSeconds()} * * * * *`;
    const first = at(6);
    const second = at(36);
    const id = await api.create({
      name: 'window catch-up',
      what: { kind: 'security' },
      targets: { tags: ['window'] },
      waves: [{ name: 'all', select: { kind: 'rest' } }],
      schedule: {
        windows: [
          { group: '*', cron: cronAt(first), durationMinutes: 0.1, timeZone: 'UTC' },
          { group: '*', cron: cronAt(second), durationMinutes: 20 / 60, timeZone: 'UTC' },
        ],
      },
      rebootPolicy: { mode: 'never' },
    });
    await api.ok('POST', `/api/v1/deployments/${id}/start`, {});
    // Once the first window closed unused, the server holds the job for the next one.
    const missed = await waitFor(
      'the job to wait for the second window',
      async () => {
        const [j] = await api.jobs(id);
        return j?.holdUntil === second.toISOString() ? j : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(Date.now()).toBeGreaterThanOrEqual(first.getTime() + 6_000);
    expect(missed).toMatchObject({ state: 'pending', attempts: 0 });

    agent.start();
    await waitFor('the agent to be back', async () => ((await api.devices()).find((d) => d.id === deviceId)?.online ? true : undefined), { timeoutMs: 30_000 });
    const backAt = Date.now();
    expect(backAt, 'the agent must be back before its next window for this test to mean anything').toBeLessThan(second.getTime());
    const [waiting] = await api.jobs(id);
    expect(waiting).toMatchObject({ state: 'pending', attempts: 0, holdUntil: second.toISOString() });

    const done = await waitForDeployment(api, id, 'the catch-up in the next window', (d) => d.state === 'completed', 60_000);
    expect(done.counts.succeeded).toBe(1);
    const [job] = await api.jobs(id);
    expect(Date.parse(job?.offeredAt ?? '')).toBeGreaterThanOrEqual(second.getTime());
    expect(job?.result?.packages).toEqual([expect.objectContaining({ name: 'openssl', after: '3.0.13-1' })]);
    expect(agent.journal().find((r) => r.t === 'job')?.job).toMatchObject({ window: { cron: cronAt(second), timeZone: 'UTC' } });
  });
});
