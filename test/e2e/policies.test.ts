import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentPlanView, DeploymentView, PolicyRunList, PolicyView } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentForTests } from '../support/agent-bundle.js';
import { dpkgState, LocalAptRepo } from '../support/apt-local-repo.js';
import { Api, waitForDeployment } from '../support/deploy-fleet.js';
import { cli, freePort, spawnNode, startServer, stop, waitFor, type Proc } from '../support/processes.js';

/**
 * Issue 10: patch policies against a real agent and real apt. Two policies set up with the CLI as
 * the README shows: one for a routine security update runs by itself on its schedule (a one-off a
 * minute ahead, in the device's own time zone) and approves itself; one for a risky update — A 1.1
 * pulls in a new dependency B and removes the conflicting C — is run now, its dry run lists all
 * three changes, and it waits for an approver with the reason. Every test package is purged.
 */

if (process.getuid?.() !== 0) {
  throw new Error('this test installs packages with dpkg and must run as root (CI runs the suite as root)');
}

let dir: string;
let server: { proc: Proc; url: string; token: string };
let api: Api;
let repo: LocalAptRepo;
let agent: Proc | undefined;
const routine = LocalAptRepo.uniqueName('routine');
const a = LocalAptRepo.uniqueName('a');
const b = LocalAptRepo.uniqueName('b');
const c = LocalAptRepo.uniqueName('c');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-e2e-policies-'));
  repo = await LocalAptRepo.create();
  await repo.add({ name: routine, version: '1.0', suite: 'updates' });
  await repo.add({ name: routine, version: '1.1', suite: 'security' });
  await repo.add({ name: a, version: '1.0', suite: 'updates' });
  await repo.add({ name: a, version: '1.1', suite: 'security', depends: b, conflicts: c });
  await repo.add({ name: b, version: '1.0', suite: 'updates' });
  await repo.add({ name: c, version: '1.0', suite: 'updates' });
  await repo.publish();
  await repo.install([`${routine}=1.0`, `${a}=1.0`, `${c}=1.0`]);
  const configFile = join(dir, 'server.json');
  writeFileSync(configFile, JSON.stringify({ deployments: { tickSeconds: 0.5, answerGraceMinutes: 0.5 }, heartbeatSeconds: 5, policies: { tickSeconds: 1 } }));
  const started = await startServer(join(dir, 'data'), await freePort(), ['--config', configFile]);
  if (!started.token) throw new Error('the server printed no admin token');
  server = { proc: started.proc, url: started.url, token: started.token };
  api = new Api(() => server);
}, 180_000);

afterAll(async () => {
  if (agent) await stop(agent, 'SIGTERM');
  if (server) await stop(server.proc, 'SIGKILL');
  if (repo) {
    await repo.dispose();
    for (const name of [routine, a, b, c]) expect(await dpkgState(name)).toBeUndefined();
  }
  rmSync(dir, { recursive: true, force: true });
}, 180_000);

const patchwave = async (...args: string[]) => {
  const res = await cli(['policy', ...args], { PATCHWAVE_SERVER_URL: server.url, PATCHWAVE_API_TOKEN: server.token, PATCHWAVE_CLI_CONFIG: join(dir, 'cli.json') });
  expect(res.code, `patchwave policy ${args.join(' ')}: ${res.stderr}`).toBe(0);
  return res.stdout;
};

/** `YYYY-MM-DD@HH:MM` of the next whole minute at least 20 s ahead, on the wall clock of `timeZone`. */
function nextMinuteIn(timeZone: string): { when: string; at: Date } {
  const at = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { when: `${parts.year}-${parts.month}-${parts.day}@${parts.hour}:${parts.minute}`, at };
}

const latestRun = async (policy: string) => (await api.ok<PolicyRunList>('GET', `/api/v1/policies/${encodeURIComponent(policy)}/runs?limit=1`)).items[0];

describe('patch policies with a real agent and real apt', () => {
  it('runs a routine policy by itself on its schedule and approves it; holds a risky one for an approver', async () => {
    const config = join(dir, 'agent.json');
    writeFileSync(config, JSON.stringify({ serverUrl: server.url, stateDir: join(dir, 'agent-state'), managers: { apt: { options: repo.options } } }));
    agent = spawnNode(await bundleAgentForTests(dir), ['run', '--config', config, '--enroll-token', await api.enrollmentToken(1, ['web']), '--log-level', 'info']);
    const device = await waitFor(
      'the real agent with both security updates in its inventory',
      async () => {
        const [d] = await api.devices();
        if (!d) return undefined;
        const updates = await api.ok<{ items: { name: string; candidateVersion: string; security: boolean | string }[] }>('GET', `/api/v1/devices/${d.id}/updates?limit=1000`);
        const ok = [routine, a].every((n) => updates.items.some((u) => u.name === n && u.candidateVersion === '1.1' && u.security === true));
        return ok ? d : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, proc: agent },
    );
    const facts = await api.ok<{ facts: { timezone?: string } }>('GET', `/api/v1/devices/${device.id}`);
    const zone = facts.facts.timezone ?? 'UTC';

    // The routine policy: on its own schedule, a one-off at the next minute in the device's time zone.
    const { when, at } = nextMinuteIn(zone);
    await patchwave('create', '--name', 'routine', '--tag', 'web', '--package', routine, '--once', when, '--tz', 'device', '--defer', '0', '--auto-approve', '--reboot', 'never');
    const shown = await api.ok<PolicyView>('GET', '/api/v1/policies/routine');
    expect(shown.nextRuns).toEqual([{ timeZone: zone, at: at.toISOString(), devices: 1, fallback: false }]);
    const approved = await waitFor(
      'the scheduled run to approve itself',
      async () => {
        const run = await latestRun('routine');
        return run && run.outcome !== 'awaiting-plan' ? run : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 500, proc: agent },
    );
    expect(approved).toMatchObject({ trigger: 'schedule', scheduledFor: at.toISOString(), outcome: 'auto-approved', devices: 1, packages: 1 });
    const done = await waitForDeployment(api, approved.deploymentId as string, 'the routine deployment', (d) => d.state === 'completed' || d.state === 'halted', 180_000);
    expect(done.state, done.haltReason ?? '').toBe('completed');
    expect(done.approval?.approvedBy).toBe(`policy:${shown.id}`);
    expect(await dpkgState(routine)).toEqual({ status: 'ii ', version: '1.1' });

    // The risky policy: run now from the CLI; its dry run removes C, so it waits for an approver.
    await patchwave('create', '--name', 'risky', '--tag', 'web', '--package', a, '--weekly', 'tue@02:00', '--tz', 'device', '--auto-approve', '--reboot', 'never');
    expect(await patchwave('run-now', 'risky')).toContain('awaiting-plan');
    const held = await waitFor(
      'the risky run to be judged',
      async () => {
        const run = await latestRun('risky');
        return run && run.outcome !== 'awaiting-plan' ? run : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, proc: agent },
    );
    expect(held.outcome).toBe('awaiting-approval');
    expect(held.blockers).toEqual([{ rule: 'removal', deviceId: device.id, package: c, message: `the plan removes ${c} 1.0 on ${device.id}; a removal always waits for an approver` }]);
    const plan = await api.ok<DeploymentPlanView>('GET', `/api/v1/deployments/${held.deploymentId}/plan`);
    const changes = plan.devices[0]?.plans.find((p) => p.manager === 'apt')?.changes ?? [];
    expect(changes.map((x) => [x.kind, x.name, x.from, x.to]).sort()).toEqual(
      [
        ['install', b, null, '1.0'],
        ['remove', c, '1.0', null],
        ['upgrade', a, '1.0', '1.1'],
      ].sort(),
    );
    const deployment = await api.ok<DeploymentView>('GET', `/api/v1/deployments/${held.deploymentId}`);
    expect(deployment.state).toBe('awaiting_approval');
    expect(await patchwave('history', 'risky')).toContain(`✗ removal: the plan removes ${c} 1.0`);
    // Nothing was applied: A, C and (not installed) B are as they were.
    expect(await dpkgState(a)).toEqual({ status: 'ii ', version: '1.0' });
    expect(await dpkgState(c)).toEqual({ status: 'ii ', version: '1.0' });
    expect(await dpkgState(b)).toBeUndefined();
  });
});
