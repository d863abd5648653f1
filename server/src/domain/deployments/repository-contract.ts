import { DeploymentSpec, type JobResultPayload } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { buildJob } from './job-builder.js';
import type { DeploymentRepositories } from './ports.js';

/**
 * The behaviour every implementation of the deployment ports must have. Run it against each
 * (memory here, SQLite in storage/sqlite): `describeDeploymentRepositoriesContract('sqlite', open)`.
 */
export function describeDeploymentRepositoriesContract(
  name: string,
  open: () => Promise<{ repos: DeploymentRepositories; close?: () => Promise<void> }>,
): void {
  const t0 = new Date('2026-03-01T10:00:00.000Z');
  const at = (min: number) => new Date(t0.getTime() + min * 60_000);
  const spec = DeploymentSpec.parse({
    name: 'spec',
    what: { kind: 'security' },
    targets: { tags: ['web'] },
    waves: [{ name: 'all', select: { kind: 'rest' } }],
  });

  async function withRepos(fn: (r: DeploymentRepositories) => Promise<void>): Promise<void> {
    const { repos, close } = await open();
    try {
      await fn(repos);
    } finally {
      await close?.();
    }
  }

  describe(`deployment repositories contract: ${name}`, () => {
    it('stores deployments in draft and lists them newest first, filtered and paged', async () => {
      await withRepos(async ({ deployments }) => {
        const a = await deployments.insert({ id: 'd-a', name: 'A', spec, createdBy: 'alice', createdAt: at(0) });
        await deployments.insert({ id: 'd-b', name: 'B', spec, createdBy: 'bob', createdAt: at(1), changeRecord: 'CHG-1' });
        expect(a).toMatchObject({ state: 'draft', currentWave: null, revision: 1, haltReason: null, targetCount: 0 });
        expect(await deployments.get('d-b')).toMatchObject({ changeRecord: 'CHG-1', spec });
        expect(await deployments.get('nope')).toBeNull();
        const page = await deployments.list({ limit: 1, offset: 0 });
        expect(page.total).toBe(2);
        expect(page.items.map((d) => d.id)).toEqual(['d-b']);
        await deployments.update('d-a', 1, { state: 'scheduled', updatedAt: at(2) });
        const sched = await deployments.list({ states: ['scheduled'], limit: 10, offset: 0 });
        expect(sched.items.map((d) => d.id)).toEqual(['d-a']);
        await expect(deployments.insert({ id: 'd-a', name: 'again', spec, createdBy: 'x', createdAt: at(3) })).rejects.toMatchObject({
          code: 'E_CONFLICT',
        });
      });
    });

    it('updates a deployment only at the revision the caller read', async () => {
      await withRepos(async ({ deployments }) => {
        await deployments.insert({ id: 'd-1', name: 'one', spec, createdBy: 'alice', createdAt: at(0) });
        const moved = await deployments.update('d-1', 1, { state: 'running', currentWave: 0, startedAt: at(5), updatedAt: at(5) });
        expect(moved).toMatchObject({ state: 'running', currentWave: 0, revision: 2, startedAt: at(5), updatedAt: at(5) });
        expect(await deployments.update('d-1', 1, { state: 'aborted', updatedAt: at(6) })).toBeNull();
        expect(await deployments.get('d-1')).toMatchObject({ state: 'running', revision: 2 });
        expect(await deployments.update('missing', 1, { state: 'aborted', updatedAt: at(6) })).toBeNull();
      });
    });

    it('stores waves by index and updates them', async () => {
      await withRepos(async ({ waves }) => {
        const base = { deploymentId: 'd-1', state: 'pending' as const, startedAt: null, finishedAt: null, skippedGates: [], lastOutcome: null };
        await waves.insertMany([
          { ...base, index: 1, name: 'broad', deviceCount: 8 },
          { ...base, index: 0, name: 'canary', deviceCount: 2 },
        ]);
        expect((await waves.list('d-1')).map((w) => w.name)).toEqual(['canary', 'broad']);
        const outcome = { verdict: 'wait' as const, reason: 'soak', until: at(30), checks: [], evaluatedAt: at(1) };
        const up = await waves.update('d-1', 0, { state: 'running', startedAt: at(1), lastOutcome: outcome, skippedGates: ['soak'] });
        expect(up).toMatchObject({ state: 'running', startedAt: at(1), skippedGates: ['soak'], lastOutcome: outcome });
        expect(await waves.get('d-1', 0)).toEqual(up);
        expect(await waves.update('d-1', 7, { state: 'running' })).toBeNull();
        await expect(waves.insertMany([{ ...base, index: 0, name: 'dup', deviceCount: 0 }])).rejects.toMatchObject({ code: 'E_CONFLICT' });
      });
    });

    it('moves device jobs only from the state the caller expects', async () => {
      await withRepos(async ({ deviceJobs }) => {
        await deviceJobs.insertMany([
          { jobId: 'j-1', deploymentId: 'd-1', deviceId: 'dev-b', wave: 0, kind: 'apply', createdAt: at(0) },
          { jobId: 'j-2', deploymentId: 'd-1', deviceId: 'dev-a', wave: 1, kind: 'apply', createdAt: at(0) },
          { jobId: 'j-3', deploymentId: 'd-1', deviceId: 'dev-a', wave: 0, kind: 'apply', createdAt: at(1) },
        ]);
        expect(await deviceJobs.get('j-1')).toMatchObject({ state: 'pending', attempts: 0, job: null, rollbackOf: null });
        const offered = await deviceJobs.transition('j-1', 'pending', 'offered', { attempts: 1, offeredAt: at(2), updatedAt: at(2) });
        expect(offered).toMatchObject({ state: 'offered', attempts: 1, offeredAt: at(2) });
        expect(await deviceJobs.transition('j-1', 'pending', 'offered', { attempts: 2, updatedAt: at(3) })).toBeNull();
        expect(await deviceJobs.get('j-1')).toMatchObject({ attempts: 1 });
        expect(await deviceJobs.patch('j-1', { holdUntil: at(60), updatedAt: at(4) })).toMatchObject({ state: 'offered', holdUntil: at(60) });
        expect((await deviceJobs.list('d-1')).map((j) => j.jobId)).toEqual(['j-3', 'j-1', 'j-2']);
        expect((await deviceJobs.list('d-1', { wave: 0, states: ['pending'] })).map((j) => j.jobId)).toEqual(['j-3']);
        expect((await deviceJobs.list('d-1', { deviceIds: ['dev-a'], kind: 'apply' })).map((j) => j.jobId)).toEqual(['j-3', 'j-2']);
        expect((await deviceJobs.listOpenForDevice('dev-a')).map((j) => j.jobId)).toEqual(['j-2', 'j-3']);
        await deviceJobs.transition('j-3', 'pending', 'skipped', { updatedAt: at(5) });
        expect((await deviceJobs.listOpenForDevice('dev-a')).map((j) => j.jobId)).toEqual(['j-2']);
        expect((await deviceJobs.listOpen()).map((j) => j.jobId)).toEqual(['j-1', 'j-2']);
        const counts = await deviceJobs.countByState('d-1', 0);
        expect(counts).toMatchObject({ offered: 1, skipped: 1, pending: 0, succeeded: 0 });
        expect(Object.values(await deviceJobs.countByState('d-1')).reduce((a, b) => a + b, 0)).toBe(3);
      });
    });

    it('keeps the offered envelope as stored, however the job is read back', async () => {
      await withRepos(async ({ deviceJobs }) => {
        const envelope = buildJob({
          jobId: 'j-1',
          deviceId: 'dev-a',
          deploymentId: 'd-1',
          action: { kind: 'apply', packages: [{ manager: 'apt', name: 'curl', version: '7.88.1-10+deb12u5', arch: 'amd64' }], rebootPolicy: { mode: 'never' } },
          now: at(2),
          window: null,
          deadline: null,
          timeoutMinutes: 60,
        });
        await deviceJobs.insertMany([{ jobId: 'j-1', deploymentId: 'd-1', deviceId: 'dev-a', wave: 0, kind: 'apply', createdAt: at(0) }]);
        const offered = await deviceJobs.transition('j-1', 'pending', 'offered', { job: envelope, attempts: 1, offeredAt: at(2), updatedAt: at(2) });
        expect(offered?.job).toEqual(envelope);
        for (const read of [await deviceJobs.get('j-1'), (await deviceJobs.list('d-1'))[0], (await deviceJobs.listOpen())[0], (await deviceJobs.listOpenForDevice('dev-a'))[0]]) {
          expect(read?.job).toEqual(envelope);
          // A copy and its JSON carry it too.
          expect({ ...read }.job).toEqual(envelope);
          expect(JSON.parse(JSON.stringify(read)).job).toEqual(JSON.parse(JSON.stringify(envelope)));
        }
        const again = await deviceJobs.transition('j-1', 'offered', 'offered', { attempts: 2, updatedAt: at(3) });
        expect(again).toMatchObject({ attempts: 2, job: envelope });
      });
    });

    it('inserts device jobs all or nothing', async () => {
      await withRepos(async ({ deviceJobs }) => {
        await deviceJobs.insertMany([{ jobId: 'j-1', deploymentId: 'd-1', deviceId: 'a', wave: 0, kind: 'apply', createdAt: at(0) }]);
        await expect(
          deviceJobs.insertMany([
            { jobId: 'j-2', deploymentId: 'd-1', deviceId: 'b', wave: 0, kind: 'apply', createdAt: at(0) },
            { jobId: 'j-1', deploymentId: 'd-1', deviceId: 'c', wave: 0, kind: 'apply', createdAt: at(0) },
          ]),
        ).rejects.toMatchObject({ code: 'E_CONFLICT' });
        expect(await deviceJobs.get('j-2')).toBeNull();
      });
    });

    it('keeps the first result of a job and counts repeats once', async () => {
      await withRepos(async ({ jobResults }) => {
        const result: JobResultPayload = {
          jobId: 'j-1',
          deviceId: 'dev-a',
          kind: 'apply',
          status: 'succeeded',
          finishedAt: at(10).toISOString(),
          exitCode: 0,
          packages: [{ manager: 'apt', name: 'curl', arch: 'amd64', requested: null, before: '7.88.1-10', after: '7.88.1-10+deb12u5', ok: true }],
          rollbackPlan: [{ manager: 'apt', name: 'curl', arch: 'amd64', version: '7.88.1-10' }],
          reboot: { required: false, performed: false },
          outputTail: '',
          inventoryHash: null,
        };
        const first = await jobResults.insert({ jobId: 'j-1', deviceId: 'dev-a', deploymentId: 'd-1', frameId: 'f-1', receivedAt: at(10), result });
        expect(first.inserted).toBe(true);
        const again = await jobResults.insert({
          jobId: 'j-1',
          deviceId: 'dev-a',
          deploymentId: 'd-1',
          frameId: 'f-2',
          receivedAt: at(11),
          result: { ...result, status: 'failed' },
        });
        expect(again.inserted).toBe(false);
        expect(again.stored).toMatchObject({ frameId: 'f-1', result: { status: 'succeeded' } });
        await jobResults.insert({ jobId: 'j-0', deviceId: 'dev-b', deploymentId: 'd-1', frameId: 'f-3', receivedAt: at(9), result: { ...result, jobId: 'j-0' } });
        expect((await jobResults.listByDeployment('d-1')).map((r) => r.jobId)).toEqual(['j-0', 'j-1']);
        expect(await jobResults.get('j-1')).toMatchObject({ receivedAt: at(10), result });
        expect(await jobResults.listByDeployment('other')).toEqual([]);
      });
    });
  });
}
