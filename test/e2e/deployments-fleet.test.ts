import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentSpecInput } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentForTests } from '../support/agent-bundle.js';
import { Api, SimAgent, startDeployServer, waitForDeployment, waitForFleet, writeScenario, type DeployServer } from '../support/deploy-fleet.js';
import { freePort, stop, waitFor } from '../support/processes.js';

/**
 * Issue 4, scenarios 1, 6 and 3 with 20 real simulated agents and a real server on loopback:
 * three gated waves that all succeed, a rollback of one wave, and a server killed with SIGKILL in
 * the middle of a wave that resumes on the same data.
 */

const FLEET = 20;
let dir: string;
let port: number;
let server: DeployServer;
let api: Api;
let scenario: string;
const agents: SimAgent[] = [];
let deviceIds: Map<string, string>;

const packages = [
  { name: 'openssl', arch: 'amd64', installed: '3.0.11-1', versions: ['3.0.11-1', '3.0.13-1'], security: true },
  { name: 'curl', arch: 'amd64', installed: '7.88.1-10', versions: ['7.88.1-10', '7.88.1-10+deb12u5'] },
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-e2e-fleet-'));
  port = await freePort();
  server = await startDeployServer(dir, port);
  api = new Api(() => server);
  scenario = join(dir, 'scenario.json');
  writeScenario(scenario, { name: 'fleet', packages, delays: { perPackageMs: 100 } });
  const token = await api.enrollmentToken(FLEET, ['web']);
  const bin = await bundleAgentForTests(dir);
  for (let i = 0; i < FLEET; i++) agents.push(new SimAgent(`agent-${String(i).padStart(2, '0')}`, dir, scenario, () => server.url, token, bin));
  for (const a of agents) a.start();
  deviceIds = await waitForFleet(api, agents);
}, 180_000);

afterAll(async () => {
  for (const a of agents) await a.stop('SIGKILL');
  if (server) await stop(server.proc, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const agentOf = (deviceId: string) => agents.find((a) => deviceIds.get(a.name) === deviceId) as SimAgent;

describe('deployments with 20 simulated agents', () => {
  let first: string;

  it('runs three waves that all succeed, each promoted only after its soak, with a correct final report', async () => {
    const spec: DeploymentSpecInput = {
      name: 'openssl security update',
      what: { kind: 'security' },
      targets: { tags: ['web'] },
      waves: [
        { name: 'canary', select: { kind: 'percent', percent: 5 }, gates: { minSuccessRate: 100, soakMinutes: 1.5 / 60 } },
        { name: 'pilot', select: { kind: 'percent', percent: 25 }, gates: { maxFailures: 0, soakMinutes: 1.5 / 60 } },
        { name: 'broad', select: { kind: 'rest' }, gates: { minSuccessRate: 95 } },
      ],
      rebootPolicy: { mode: 'never' },
    };
    first = await api.create(spec);
    await api.ok('POST', `/api/v1/deployments/${first}/start`, { reason: 'e2e' });
    const done = await waitForDeployment(api, first, 'the deployment to complete', (d) => d.state === 'completed' || d.state === 'halted', 90_000);
    expect(done.state, done.haltReason).toBe('completed');
    expect(done.waves.map((w) => [w.name, w.state, w.deviceCount, w.counts.succeeded])).toEqual([
      ['canary', 'passed', 1, 1],
      ['pilot', 'passed', 5, 5],
      ['broad', 'passed', 14, 14],
    ]);
    expect(done).toMatchObject({ targetCount: 20, counts: { succeeded: 20, failed: 0, timed_out: 0, pending: 0 } });

    const jobs = await api.jobs(first, '?kind=apply');
    expect(jobs).toHaveLength(20);
    // Each wave started only after the previous one's last result plus its soak, and no device got a job before its wave started.
    for (const w of [1, 2]) {
      const previous = jobs.filter((j) => j.wave === w - 1);
      const lastResult = Math.max(...previous.map((j) => Date.parse(j.finishedAt ?? '')));
      const started = Date.parse(done.waves[w]?.startedAt ?? '');
      expect(started - lastResult).toBeGreaterThanOrEqual(1500);
      for (const j of jobs.filter((x) => x.wave === w)) expect(Date.parse(j.offeredAt ?? '')).toBeGreaterThanOrEqual(started);
    }
    for (const j of jobs) {
      expect(j).toMatchObject({ state: 'succeeded', result: { status: 'succeeded', packages: [{ name: 'openssl', before: '3.0.11-1', after: '3.0.13-1', ok: true }] } });
      expect(j.evidence?.verified, `re-inventory of ${j.deviceId}`).toBe(true);
      expect(agentOf(j.deviceId).installed()['openssl@amd64']).toBe('3.0.13-1');
    }
    const audit = await api.ok<{ items: { action: string }[] }>('GET', `/api/v1/audit?target=deployment:${first}&limit=500`);
    const actions = audit.items.map((e) => e.action);
    expect(actions.filter((a) => a === 'deployment.promote')).toHaveLength(2);
    expect(actions.filter((a) => a === 'deployment.job.result')).toHaveLength(20);
    expect(actions).toContain('deployment.complete');
  });

  it('rolls back one wave to the versions each device had, reported per device', async () => {
    const result = await api.ok<{ jobs: { deviceId: string }[]; skipped: unknown[] }>('POST', `/api/v1/deployments/${first}/rollback`, {
      scope: { kind: 'wave', wave: 1 },
      reason: 'regression seen on pilot hosts',
    });
    expect(result.jobs).toHaveLength(5);
    expect(result.skipped).toEqual([]);
    const rolled = await waitFor(
      'the five rollbacks to succeed',
      async () => {
        const jobs = await api.jobs(first, '?kind=rollback');
        return jobs.length === 5 && jobs.every((j) => j.state === 'succeeded') ? jobs : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    for (const j of rolled) {
      expect(j.result?.packages).toEqual([expect.objectContaining({ name: 'openssl', before: '3.0.13-1', after: '3.0.11-1', ok: true })]);
      expect(agentOf(j.deviceId).installed()['openssl@amd64']).toBe('3.0.11-1');
    }
    const applies = await api.jobs(first, '?kind=apply');
    expect(applies.filter((j) => j.state === 'rolled_back').map((j) => j.wave)).toEqual([1, 1, 1, 1, 1]);
    const untouched = applies.filter((j) => j.wave !== 1);
    for (const j of untouched) expect(agentOf(j.deviceId).installed()['openssl@amd64']).toBe('3.0.13-1');
    expect((await api.deployment(first)).counts.rolled_back).toBe(5);
  });

  it('survives a SIGKILL of the server in the middle of a wave: it continues, no device runs its job twice, every result arrives', async () => {
    // Slower installs (the agents read the changed scenario at their next operation) leave time to kill mid-wave.
    writeScenario(scenario, { name: 'fleet', packages, delays: { perPackageMs: 2500 } });
    const id = await api.create({
      name: 'curl update',
      what: { kind: 'packages', packages: [{ name: 'curl', version: null }] },
      targets: { tags: ['web'] },
      waves: [
        { name: 'canary', select: { kind: 'percent', percent: 10 }, gates: { maxFailures: 0, soakMinutes: 1 / 60 } },
        { name: 'pilot', select: { kind: 'percent', percent: 40 }, gates: { maxFailures: 0, soakMinutes: 1 / 60 } },
        { name: 'broad', select: { kind: 'rest' } },
      ],
      rebootPolicy: { mode: 'never' },
    });
    await api.ok('POST', `/api/v1/deployments/${id}/start`, {});
    const open = (c: Record<string, number> | undefined) => (c ? (c.offered ?? 0) + (c.accepted ?? 0) + (c.running ?? 0) : 0);
    const mid = await waitForDeployment(api, id, 'the pilot wave to be under way', (d) => d.currentWave === 1 && open(d.waves[1]?.counts) >= 1, 90_000);
    await stop(server.proc, 'SIGKILL');
    // Killed with the canary's results stored and pilot jobs in flight on the agents.
    expect(mid.waves[0]?.counts.succeeded).toBe(2);
    expect(open(mid.waves[1]?.counts)).toBeGreaterThanOrEqual(1);
    server = await startDeployServer(dir, port, server.token);
    const done = await waitForDeployment(api, id, 'the deployment to complete after the restart', (d) => d.state === 'completed' || d.state === 'halted', 120_000);
    expect(done.state, done.haltReason).toBe('completed');
    expect(done.waves.map((w) => w.deviceCount)).toEqual([2, 8, 10]);
    expect(done.counts).toMatchObject({ succeeded: 20, failed: 0, timed_out: 0 });
    const jobs = await api.jobs(id, '?kind=apply');
    expect(jobs).toHaveLength(20);
    for (const j of jobs) {
      expect(j.result?.packages).toEqual([expect.objectContaining({ name: 'curl', before: '7.88.1-10', after: '7.88.1-10+deb12u5' })]);
      const runs = agentOf(j.deviceId).jobRuns().get(j.jobId);
      // Received once, applied once, one result — whatever the server re-offered after its restart.
      expect(runs, `journal of ${j.deviceId}`).toEqual({ received: 1, applyStarts: 1, results: ['succeeded'] });
    }
    const results = await api.ok<{ items: { details: { jobId?: string } }[] }>('GET', `/api/v1/audit?action=deployment.job.result&limit=1000`);
    for (const j of jobs) expect(results.items.filter((e) => e.details.jobId === j.jobId)).toHaveLength(1);
  });
});
