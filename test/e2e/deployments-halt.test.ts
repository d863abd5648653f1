import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentForTests } from '../support/agent-bundle.js';
import { Api, SimAgent, startDeployServer, waitForDeployment, waitForFleet, writeScenario, type DeployServer } from '../support/deploy-fleet.js';
import { cli, freePort, stop } from '../support/processes.js';

/**
 * Issue 4, scenario 2: the canary fails above its failure budget; the deployment halts after wave 1
 * with the breach reason and no device of a later wave ever receives a job; after the fix (the
 * simulated repository changed) a resume retries the canary and the rollout continues.
 */

let dir: string;
let server: DeployServer;
let api: Api;
let scenario: string;
const agents: SimAgent[] = [];
let ids: Map<string, string>;

const packages = [{ name: 'openssl', arch: 'amd64', installed: '3.0.11-1', versions: ['3.0.11-1', '3.0.13-1'], security: true }];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-e2e-halt-'));
  server = await startDeployServer(dir, await freePort());
  api = new Api(() => server);
  scenario = join(dir, 'scenario.json');
  writeScenario(scenario, {
    name: 'broken mirror',
    packages,
    failures: [{ package: 'openssl', version: '3.0.13-1', exitCode: 100, errorCode: 'E_PKG_SCRIPT_FAILED', message: 'dpkg: error processing package openssl (--configure)' }],
    delays: { perPackageMs: 100 },
  });
  const token = await api.enrollmentToken(5, ['web']);
  const bin = await bundleAgentForTests(dir);
  for (let i = 0; i < 5; i++) agents.push(new SimAgent(`host-${i}`, dir, scenario, () => server.url, token, bin));
  for (const a of agents) a.start();
  ids = await waitForFleet(api, agents);
}, 180_000);

afterAll(async () => {
  for (const a of agents) await a.stop('SIGKILL');
  if (server) await stop(server.proc, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const appliesReceived = (a: SimAgent) => a.journal().filter((r) => r.t === 'job' && r.job?.action.kind === 'apply').length;

describe('canary failures above the budget', () => {
  it('halt after the canary with the reason; later waves get nothing; resume after the fix continues', async () => {
    const id = await api.create({
      name: 'openssl with a broken mirror',
      what: { kind: 'security' },
      targets: { tags: ['web'] },
      waves: [
        { name: 'canary', select: { kind: 'percent', percent: 20 }, gates: { maxFailures: 0, minSuccessRate: 100 } },
        { name: 'broad', select: { kind: 'rest' }, gates: { maxFailures: 1 } },
      ],
      rebootPolicy: { mode: 'never' },
    });
    await api.ok('POST', `/api/v1/deployments/${id}/start`, { reason: 'e2e' });
    const halted = await waitForDeployment(api, id, 'the deployment to halt', (d) => d.state !== 'running' && d.state !== 'scheduled', 60_000);
    expect(halted.state).toBe('halted');
    expect(halted.haltReason).toBe(
      'wave 0 "canary": successRate: success rate 0% (0 of 1 succeeded; 1 failed) is below 100%; failureBudget: 1 failure (1 failed) exceed the failure budget of 0',
    );
    expect(halted.waves.map((w) => [w.state, w.deviceCount])).toEqual([
      ['halted', 1],
      ['pending', 4],
    ]);
    const [canaryJob] = await api.jobs(id, '?kind=apply&wave=0');
    expect(canaryJob).toMatchObject({ state: 'failed', errorCode: 'E_PKG_SCRIPT_FAILED', result: { packages: [{ name: 'openssl', before: '3.0.11-1', after: '3.0.11-1', ok: false }] } });
    const shown = await cli(['deploy', 'status', id], { PATCHWAVE_SERVER_URL: server.url, PATCHWAVE_API_TOKEN: server.token, HOME: dir });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/state\s+halted \(wave 1 of 2: canary\)/);
    expect(shown.stdout).toMatch(/halted because\s+wave 0 "canary": successRate: success rate 0%/);

    // Nothing reached the later wave: on the server (never offered) and on the agents (their journals).
    const canaryDevice = canaryJob?.deviceId;
    const later = agents.filter((a) => ids.get(a.name) !== canaryDevice);
    const broad = await api.jobs(id, '?kind=apply&wave=1');
    expect(broad.map((j) => [j.state, j.attempts, j.offeredAt])).toEqual(Array(4).fill(['pending', 0, undefined]));
    for (const a of later) expect(appliesReceived(a), a.name).toBe(0);

    // The fix: the simulated repository no longer fails. Resume retries the canary, then the rollout goes on.
    writeScenario(scenario, { name: 'fixed mirror', packages, delays: { perPackageMs: 100 } });
    const resumedAt = Date.now();
    await api.ok('POST', `/api/v1/deployments/${id}/resume`, { reason: 'mirror fixed (INC-42)' });
    const done = await waitForDeployment(api, id, 'the deployment to complete after the resume', (d) => d.state === 'completed' || d.state === 'halted', 60_000);
    expect(done.state, done.haltReason).toBe('completed');
    expect(done.counts).toMatchObject({ succeeded: 5, failed: 0 });
    const canaryJobs = await api.jobs(id, '?kind=apply&wave=0');
    expect(canaryJobs.map((j) => j.state).sort()).toEqual(['failed', 'succeeded']);
    // Each later-wave agent received exactly one job, and only after the resume: none while halted.
    for (const a of later) {
      const got = a.journal().filter((r) => r.t === 'job' && r.job?.action.kind === 'apply') as { at?: string }[];
      expect(got, a.name).toHaveLength(1);
      expect(Date.parse(got[0]?.at ?? '')).toBeGreaterThanOrEqual(resumedAt - 1000);
      expect(a.installed()['openssl@amd64']).toBe('3.0.13-1');
    }
    const audit = await api.ok<{ items: { action: string; actor: string; details: Record<string, unknown> }[] }>('GET', `/api/v1/audit?target=deployment:${id}&limit=200`);
    expect(audit.items.find((e) => e.action === 'deployment.halt')).toMatchObject({ actor: 'system', details: { reason: halted.haltReason } });
    expect(audit.items.find((e) => e.action === 'deployment.resume')).toMatchObject({ details: { reason: 'mirror fixed (INC-42)', retried: [canaryDevice] } });
  });
});
