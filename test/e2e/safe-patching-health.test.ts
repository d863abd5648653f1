import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeploymentSpecInput, DeviceJobView } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentForTests } from '../support/agent-bundle.js';
import { dpkgState, LocalAptRepo } from '../support/apt-local-repo.js';
import { Api, startDeployServer, waitForDeployment, type DeployServer } from '../support/deploy-fleet.js';
import { freePort, spawnNode, stop, waitFor, type Proc } from '../support/processes.js';

/**
 * Issue 10, health-probe rollback for real: a real server and a real agent (real apt against a
 * local repository the test builds), a test HTTP service (its own process) that answers with the
 * status its config file names, and package svc-config whose 1.1 postinst rewrites that config so
 * the service answers 500. Group `svc` has an HTTP probe; the deployment asks for a rollback on
 * health failure. The device ends `failed: health`, its agent reinstalled 1.0, the probe passes
 * again, and the wave's gate counts the device as failed: the deployment halts. Then a hold on the
 * package makes the server refuse a deployment naming it. Every test package is purged at the end.
 */

if (process.getuid?.() !== 0) {
  throw new Error('this test installs packages with dpkg and must run as root (CI runs the suite as root)');
}

const SERVICE = fileURLToPath(new URL('../support/config-status-service.ts', import.meta.url));

let dir: string;
let server: DeployServer;
let api: Api;
let repo: LocalAptRepo;
let agent: Proc | undefined;
let service: ChildProcess | undefined;
let port: number;
let config: string;
const svc = LocalAptRepo.uniqueName('svc-config');

/** The test service as its own process; resolves with its port once it listens. */
async function startService(file: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVICE, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const listening = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the test service exited with ${code}: ${err}`)));
  });
  return { child, port: listening };
}

const health = async () => (await fetch(`http://127.0.0.1:${port}/health`)).status;

/** PUT is not in the shared Api helper, and refusals need the status and body. */
async function send(method: 'PUT' | 'POST', path: string, body: unknown): Promise<{ status: number; body: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-e2e-safe-patching-'));
  repo = await LocalAptRepo.create();
  config = join(repo.dir, 'svc.conf');
  await repo.add({ name: svc, version: '1.0', suite: 'updates', postinst: `printf 'status=200\\n' > ${config}` });
  await repo.add({ name: svc, version: '1.1', suite: 'security', postinst: `printf 'status=500\\n' > ${config}` });
  await repo.publish();
  await repo.install([`${svc}=1.0`]);
  const started = await startService(config);
  service = started.child;
  port = started.port;
  server = await startDeployServer(dir, await freePort());
  api = new Api(() => server);
}, 180_000);

afterAll(async () => {
  if (agent) await stop(agent, 'SIGTERM');
  if (server) await stop(server.proc, 'SIGKILL');
  if (service && service.exitCode === null) {
    service.kill('SIGTERM');
    await once(service, 'exit');
  }
  if (repo) {
    await repo.dispose();
    expect(await dpkgState(svc)).toBeUndefined();
  }
  rmSync(dir, { recursive: true, force: true });
}, 180_000);

describe('safe patching with a real agent and real apt', () => {
  let deviceId: string;

  it('fails the device on health, rolls it back to 1.0 on its own, and halts the wave on the gate', async () => {
    expect(await health()).toBe(200);
    const settings = await send('PUT', '/api/v1/groups/svc/safety', {
      probes: [{ kind: 'http', name: 'svc-http', url: `http://127.0.0.1:${port}/health`, expectStatus: [200], timeoutMs: 3000 }],
      preflight: { minFreeDiskMb: 1, requireLockFree: true, pendingReboot: 'ignore' },
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);

    const agentConfig = join(dir, 'agent.json');
    writeFileSync(agentConfig, JSON.stringify({ serverUrl: server.url, stateDir: join(dir, 'agent-state'), managers: { apt: { options: repo.options } } }));
    agent = spawnNode(await bundleAgentForTests(dir), ['run', '--config', agentConfig, '--enroll-token', await api.enrollmentToken(1, ['group=svc']), '--log-level', 'info']);
    const device = await waitFor(
      'the real agent with the svc-config 1.1 update in its inventory',
      async () => {
        const [d] = await api.devices();
        if (!d) return undefined;
        const updates = await api.ok<{ items: { name: string; candidateVersion: string }[] }>('GET', `/api/v1/devices/${d.id}/updates?name=${svc}`);
        return updates.items.some((u) => u.name === svc && u.candidateVersion === '1.1') ? d : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, proc: agent },
    );
    deviceId = device.id;
    expect(device.tags).toContain('group=svc');

    const spec: DeploymentSpecInput = {
      name: 'svc-config with health probes',
      what: { kind: 'packages', packages: [{ name: svc, version: null, manager: 'apt' }] },
      targets: { groups: ['svc'] },
      waves: [{ name: 'svc hosts', select: { kind: 'rest' }, gates: { maxFailures: 0 } }],
      rebootPolicy: { mode: 'never' },
      rollbackOnHealthFailure: true,
    };
    const id = await api.create(spec);
    await api.ok('POST', `/api/v1/deployments/${id}/start`, { reason: 'safe patching e2e' });
    const halted = await waitForDeployment(api, id, 'the deployment to halt on the health failure', (d) => d.state === 'halted' || d.state === 'completed', 180_000);

    // The wave's gate counts the device as failed, and says it was health.
    expect(halted.state).toBe('halted');
    expect(halted.haltReason).toContain('failureBudget: 1 failure (1 failed (health)) exceed the failure budget of 0');
    expect(halted.waves[0]).toMatchObject({ state: 'halted', counts: { failed: 1 }, gate: { verdict: 'breach' } });

    const [job] = await api.jobs(id, '?kind=apply');
    const shown = job as DeviceJobView;
    expect(shown.outcome).toEqual({ label: 'failed: health (automatic rollback succeeded)', counts: 'failure', autoRollback: 'succeeded' });
    expect(shown).toMatchObject({ state: 'failed', errorCode: 'E_HEALTH_CHECK_FAILED' });
    const safety = shown.result?.safety;
    expect(safety?.before).toEqual([expect.objectContaining({ name: 'svc-http', kind: 'http', ok: true })]);
    expect(safety?.after).toEqual([expect.objectContaining({ name: 'svc-http', ok: false, detail: expect.stringContaining('500') })]);
    expect(safety?.broken).toEqual(['svc-http']);
    expect(safety?.autoRollback).toMatchObject({ status: 'succeeded', after: [expect.objectContaining({ name: 'svc-http', ok: true })] });
    expect(shown.result?.packages).toEqual([expect.objectContaining({ name: svc, before: '1.0', after: '1.0', ok: false, errorCode: 'E_HEALTH_CHECK_FAILED' })]);

    // On the host: 1.0 is installed again and the service is healthy.
    expect(await dpkgState(svc)).toEqual({ status: 'ii ', version: '1.0' });
    expect(readFileSync(config, 'utf8')).toBe('status=200\n');
    expect(await health()).toBe(200);

    // An operator's rollback finds nothing left to do.
    const rollback = await api.ok<{ jobs: unknown[]; skipped: { deviceId: string; reason: string }[] }>('POST', `/api/v1/deployments/${id}/rollback`, { scope: { kind: 'deployment' }, reason: 'check' });
    expect(rollback).toEqual({ deploymentId: id, jobs: [], skipped: [{ deviceId, reason: 'its agent already rolled it back automatically after a health probe failed' }] });
  }, 400_000);

  it('refuses a deployment naming a package the group holds, with the package, group and reason, and stores nothing', async () => {
    const held = await send('PUT', '/api/v1/groups/svc/safety', {
      holds: [{ name: svc, manager: 'apt', reason: 'breaks the service; fix pending' }],
      probes: [{ kind: 'http', name: 'svc-http', url: `http://127.0.0.1:${port}/health`, expectStatus: [200] }],
    });
    expect(held.status).toBe(200);
    const before = (await api.ok<{ total: number }>('GET', '/api/v1/deployments')).total;
    const refused = await send('POST', '/api/v1/deployments', {
      name: 'svc-config again',
      what: { kind: 'packages', packages: [{ name: svc, version: '1.1', manager: 'apt' }] },
      targets: { groups: ['svc'] },
      waves: [{ name: 'all', select: { kind: 'rest' } }],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('E_PKG_HELD');
    expect(refused.body.error?.message).toContain(`what.packages.0: ${svc} (apt) is held: never to be changed (reason: breaks the service; fix pending) by group svc on 1 target device`);
    expect((await api.ok<{ total: number }>('GET', '/api/v1/deployments')).total).toBe(before);

    // A security deployment leaves the held package out: the device has nothing else, so it is skipped with the hold named.
    const id = await api.create({ name: 'security for svc', what: { kind: 'security' }, targets: { groups: ['svc'] }, waves: [{ name: 'all', select: { kind: 'rest' } }], rebootPolicy: { mode: 'never' } });
    await api.ok('POST', `/api/v1/deployments/${id}/start`, { reason: 'holds e2e' });
    const done = await waitForDeployment(api, id, 'the held-only deployment to finish', (d) => d.state === 'completed' || d.state === 'halted', 60_000);
    expect(done.state).toBe('completed');
    const [job] = await api.jobs(id, '?kind=apply');
    expect(job).toMatchObject({ deviceId, state: 'skipped', errorCode: 'E_PKG_HELD', message: expect.stringContaining(`${svc} 1.1 (held by group svc: never to be changed, breaks the service; fix pending)`) });
    expect(await dpkgState(svc)).toEqual({ status: 'ii ', version: '1.0' });
  }, 180_000);
});
