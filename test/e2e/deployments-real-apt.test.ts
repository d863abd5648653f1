import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentForTests } from '../support/agent-bundle.js';
import { dpkgState, LocalAptRepo } from '../support/apt-local-repo.js';
import { Api, startDeployServer, waitForDeployment, type DeployServer } from '../support/deploy-fleet.js';
import { freePort, spawnNode, stop, waitFor, type Proc } from '../support/processes.js';

/**
 * Issue 4, scenario 7: one real agent (no --simulate) in a wave upgrades a real package through
 * real apt from a local repository the test builds, the server sees it in the re-inventory, and a
 * rollback restores the old version. apt sees only the test repository (the agent's local
 * `managers.apt.options`); every test package is purged at the end.
 */

if (process.getuid?.() !== 0) {
  throw new Error('this test installs packages with dpkg and must run as root (CI runs the suite as root)');
}

let dir: string;
let server: DeployServer;
let api: Api;
let repo: LocalAptRepo;
let agent: Proc | undefined;
const app = LocalAptRepo.uniqueName('deploy');

interface PackageRow {
  name: string;
  version: string;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-e2e-real-apt-'));
  repo = await LocalAptRepo.create();
  await repo.add({ name: app, version: '1.0', suite: 'updates' });
  await repo.add({ name: app, version: '1.1', suite: 'security' });
  await repo.publish();
  await repo.install([`${app}=1.0`]);
  server = await startDeployServer(dir, await freePort());
  api = new Api(() => server);
}, 180_000);

afterAll(async () => {
  if (agent) await stop(agent, 'SIGTERM');
  if (server) await stop(server.proc, 'SIGKILL');
  if (repo) {
    await repo.dispose();
    expect(await dpkgState(app)).toBeUndefined();
  }
  rmSync(dir, { recursive: true, force: true });
}, 180_000);

describe('a real agent in a wave, with real apt', () => {
  it('upgrades a real package, is verified by re-inventory, then rolls back to the old version', async () => {
    const config = join(dir, 'agent.json');
    writeFileSync(config, JSON.stringify({ serverUrl: server.url, stateDir: join(dir, 'agent-state'), managers: { apt: { options: repo.options } } }));
    agent = spawnNode(await bundleAgentForTests(dir), ['run', '--config', config, '--enroll-token', await api.enrollmentToken(1, ['real']), '--log-level', 'info']);
    const installed = async (deviceId: string) =>
      (await api.ok<{ items: PackageRow[] }>('GET', `/api/v1/devices/${deviceId}/packages?name=${app}`)).items.find((p) => p.name === app)?.version;

    const device = await waitFor(
      'the real agent with the 1.1 update in its inventory',
      async () => {
        const [d] = await api.devices();
        if (!d) return undefined;
        const updates = await api.ok<{ items: { name: string; candidateVersion: string; security: boolean | string }[] }>('GET', `/api/v1/devices/${d.id}/updates?name=${app}`);
        return updates.items.some((u) => u.name === app && u.candidateVersion === '1.1') ? d : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, proc: agent },
    );
    expect(await installed(device.id)).toBe('1.0');

    const id = await api.create({
      name: 'real apt upgrade',
      what: { kind: 'packages', packages: [{ name: app, version: null, manager: 'apt' }] },
      targets: { tags: ['real'] },
      waves: [{ name: 'real host', select: { kind: 'rest' }, gates: { minSuccessRate: 100 } }],
      rebootPolicy: { mode: 'never' },
    });
    const plan = await api.ok<{ devices: { status: string }[] }>('POST', `/api/v1/deployments/${id}/plan`);
    expect(plan.devices).toHaveLength(1);
    const planned = await waitFor(
      'the dry run from real apt',
      async () => {
        const p = await api.ok<{ devices: { status: string; plans: { manager: string; changes: { name: string; from: string | null; to: string | null }[] }[] }[] }>('GET', `/api/v1/deployments/${id}/plan`);
        return p.devices[0]?.status === 'ready' ? p : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, proc: agent },
    );
    expect(planned.devices[0]?.plans.find((p) => p.manager === 'apt')?.changes).toEqual([{ kind: 'upgrade', name: app, arch: 'all', from: '1.0', to: '1.1' }]);
    expect(await dpkgState(app)).toEqual({ status: 'ii ', version: '1.0' });

    await api.ok('POST', `/api/v1/deployments/${id}/start`, { reason: 'real apt e2e' });
    const done = await waitForDeployment(api, id, 'the real upgrade', (d) => d.state === 'completed' || d.state === 'halted', 180_000);
    expect(done.state, done.haltReason).toBe('completed');
    expect(await dpkgState(app)).toEqual({ status: 'ii ', version: '1.1' });
    const [job] = await api.jobs(id, '?kind=apply');
    expect(job).toMatchObject({
      state: 'succeeded',
      result: { packages: [{ manager: 'apt', name: app, requested: '1.1', before: '1.0', after: '1.1', ok: true }], rollbackPlan: [{ manager: 'apt', name: app, version: '1.0' }] },
      evidence: { verified: true },
    });
    // The server's own copy of the inventory (from the agent's re-inventory) says 1.1.
    await waitFor('the re-inventory to show 1.1', async () => ((await installed(device.id)) === '1.1' ? true : undefined), { timeoutMs: 60_000, intervalMs: 300 });

    const rollback = await api.ok<{ jobs: { deviceId: string; packages: number }[] }>('POST', `/api/v1/deployments/${id}/rollback`, { scope: { kind: 'wave', wave: 0 }, reason: 'back to 1.0' });
    expect(rollback.jobs).toEqual([expect.objectContaining({ deviceId: device.id, packages: 1 })]);
    const rolled = await waitFor(
      'the rollback through real apt',
      async () => {
        const [r] = await api.jobs(id, '?kind=rollback');
        return r && r.state !== 'pending' && r.state !== 'offered' && r.state !== 'accepted' && r.state !== 'running' ? r : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500, proc: agent },
    );
    expect(rolled).toMatchObject({ state: 'succeeded', result: { packages: [{ name: app, requested: '1.0', before: '1.1', after: '1.0', ok: true }] }, evidence: { verified: true } });
    expect(await dpkgState(app)).toEqual({ status: 'ii ', version: '1.0' });
    await waitFor('the re-inventory to show 1.0 again', async () => ((await installed(device.id)) === '1.0' ? true : undefined), { timeoutMs: 60_000, intervalMs: 300 });
    const [apply] = await api.jobs(id, '?kind=apply');
    expect(apply?.state).toBe('rolled_back');
  });
});
