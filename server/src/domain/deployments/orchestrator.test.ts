import type { DeploymentSpecInput } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDeploymentHarness, type DeploymentHarness, type SimDevice } from '../../testing/deployment-harness.js';

let h: DeploymentHarness;
beforeEach(async () => {
  h = await openDeploymentHarness();
});
afterEach(async () => {
  await h.close();
});

const threeWaves = (over: Partial<DeploymentSpecInput> = {}): DeploymentSpecInput => ({
  name: 'openssl everywhere',
  what: { kind: 'security' },
  targets: { tags: ['web'] },
  waves: [
    { name: 'canary', select: { kind: 'percent', percent: 10 }, gates: { minSuccessRate: 100, soakMinutes: 10 } },
    { name: 'pilot', select: { kind: 'percent', percent: 30 }, gates: { maxFailures: 0, soakMinutes: 10 } },
    { name: 'broad', select: { kind: 'rest' }, gates: { minSuccessRate: 90 } },
  ],
  rebootPolicy: { mode: 'never' },
  ...over,
});

async function fleet(n: number): Promise<SimDevice[]> {
  const out: SimDevice[] = [];
  for (let i = 0; i < n; i++) out.push(await h.device(`web-${String(i).padStart(2, '0')}`, ['web']));
  for (const d of out) h.links.online.add(d.id);
  return out;
}

async function jobsOf(id: string, wave?: number) {
  return h.services.reads.jobs(id, { kind: 'apply', ...(wave !== undefined ? { wave } : {}) });
}

/** Answers every offered apply job of the wave as the agent would: accepted, then the result. */
async function answerWave(id: string, wave: number, status: (deviceId: string) => 'succeeded' | 'failed' = () => 'succeeded') {
  for (const j of await h.temp.store.deviceJobs.list(id, { wave, kind: 'apply', states: ['offered'] })) {
    await h.services.reports.accepted(j.deviceId, { jobId: j.jobId, state: 'running' });
    await h.services.reports.result(j.deviceId, `frame-${j.jobId}`, h.result(j, status(j.deviceId)));
  }
}

describe('deployment orchestrator', () => {
  it('runs three waves: offers only the current wave, promotes after the soak, completes with a correct report', async () => {
    const devices = await fleet(10);
    const id = await h.create(threeWaves());
    expect((await h.services.reads.get(id)).state).toBe('scheduled');
    await h.services.commands.start(id, h.alice);
    await h.services.orchestrator.tick();
    let view = await h.services.reads.get(id);
    expect(view.waves.map((w) => w.deviceCount)).toEqual([1, 3, 6]);
    const offered = devices.filter((d) => h.links.offers(d.id).length > 0);
    expect(offered).toHaveLength(1);
    const [job] = h.links.offers(offered[0]?.id ?? '');
    expect(job?.action).toEqual({ kind: 'apply', packages: [{ manager: 'apt', name: 'openssl', version: '1.1', arch: 'amd64' }], rebootPolicy: { mode: 'never' } });

    await answerWave(id, 0);
    view = await h.services.reads.get(id);
    expect(view.currentWave).toBe(0);
    expect(view.waves[0]?.gate?.verdict).toBe('wait');
    expect(view.waves[0]?.gate?.checks.find((c) => c.gate === 'soak')?.detail).toMatch(/soaking 10 min after the last result \(10 min left\)/);
    h.clock.advance(10 * 60_000);
    await h.services.orchestrator.tick();
    view = await h.services.reads.get(id);
    expect(view.currentWave).toBe(1);
    expect(view.waves[0]).toMatchObject({ state: 'passed', gate: { verdict: 'pass' } });
    expect(devices.filter((d) => h.links.offers(d.id).length > 0)).toHaveLength(4);

    await answerWave(id, 1);
    h.clock.advance(10 * 60_000);
    await h.services.orchestrator.tick();
    await answerWave(id, 2);
    await h.services.orchestrator.tick();
    view = await h.services.reads.get(id);
    expect(view).toMatchObject({ state: 'completed', currentWave: null, targetCount: 10 });
    expect(view.counts.succeeded).toBe(10);
    expect(view.waves.map((w) => w.state)).toEqual(['passed', 'passed', 'passed']);
    const results = await jobsOf(id);
    expect(results.every((j) => j.result?.packages[0]?.before === '1.0' && j.result.packages[0].after === '1.1')).toBe(true);
    const actions = (await h.temp.store.audit.list({ limit: 200, target: `deployment:${id}` })).map((e) => e.action);
    expect(actions.filter((a) => a === 'deployment.promote')).toHaveLength(2);
    expect(actions).toContain('deployment.complete');
    expect(actions.filter((a) => a === 'deployment.job.result')).toHaveLength(10);
    expect(h.events.some((e) => e.type === 'deployment.updated' && e.state === 'completed')).toBe(true);
  });

  it('halts on a canary breach with the numbers, never offers later waves, and continues after a resume that retries', async () => {
    const devices = await fleet(10);
    const id = await h.create(threeWaves({ waves: [{ name: 'canary', select: { kind: 'percent', percent: 20 }, gates: { maxFailures: 0 } }, { name: 'rest', select: { kind: 'rest' } }] }));
    await h.services.commands.start(id, h.alice);
    await h.services.orchestrator.tick();
    await answerWave(id, 0, () => 'failed');
    await h.services.orchestrator.tick();
    let view = await h.services.reads.get(id);
    expect(view.state).toBe('halted');
    expect(view.haltReason).toBe('wave 0 "canary": failureBudget: 2 failures (2 failed) exceed the failure budget of 0');
    expect(view.waves[0]?.state).toBe('halted');
    const canary = new Set((await jobsOf(id, 0)).map((j) => j.deviceId));
    for (const d of devices.filter((x) => !canary.has(x.id))) expect(h.links.offers(d.id)).toEqual([]);

    await h.services.commands.resume(id, { reason: 'mirror fixed', retryFailed: true }, h.alice);
    await h.services.orchestrator.tick();
    view = await h.services.reads.get(id);
    expect(view).toMatchObject({ state: 'running', currentWave: 0 });
    expect((await jobsOf(id, 0)).filter((j) => j.state === 'offered')).toHaveLength(2);
    await answerWave(id, 0);
    await h.services.orchestrator.tick();
    expect((await h.services.reads.get(id)).currentWave).toBe(1);
    const resumed = await h.temp.store.audit.list({ limit: 100, action: 'deployment.resume' });
    expect(resumed[0]).toMatchObject({ actor: 'api-token:alice-token', details: { reason: 'mirror fixed' } });
  });

  it('counts a repeated result once and acks it without changing anything', async () => {
    await fleet(1);
    const id = await h.create(threeWaves({ waves: [{ name: 'all', select: { kind: 'rest' } }] }));
    await h.services.commands.start(id, h.alice);
    await h.services.orchestrator.tick();
    const [job] = await h.temp.store.deviceJobs.list(id, { kind: 'apply' });
    if (!job) throw new Error('no job');
    expect(await h.services.reports.result(job.deviceId, 'f-1', h.result(job))).toBe('recorded');
    expect(await h.services.reports.result(job.deviceId, 'f-2', h.result(job, 'failed'))).toBe('duplicate');
    expect(await h.temp.store.deviceJobs.get(job.jobId)).toMatchObject({ state: 'succeeded' });
    expect(await h.temp.store.jobResults.get(job.jobId)).toMatchObject({ frameId: 'f-1' });
    expect(await h.services.reports.result(job.deviceId, 'f-3', { ...h.result(job), jobId: 'no-such-job' })).toBe('unknown');
  });

  it('offers only inside the device window, catches an offline device up in its next window, and misses after the deadline', async () => {
    // 10:00 UTC now; the window opens daily at 11:00 for 60 min; the deadline is the day after at 11:30.
    const [a, b] = await fleet(2);
    if (!a || !b) throw new Error('no devices');
    h.links.online.delete(b.id);
    const id = await h.create(
      threeWaves({
        waves: [{ name: 'all', select: { kind: 'rest' } }],
        schedule: { windows: [{ group: '*', cron: '0 11 * * *', durationMinutes: 60, timeZone: 'UTC' }], deadline: '2026-03-03T11:30:00Z' },
      }),
    );
    await h.services.commands.start(id, h.alice);
    const first = await h.services.orchestrator.tick();
    expect(first.wakeAt?.toISOString()).toBe('2026-03-02T11:00:00.000Z');
    expect(h.links.offers(a.id)).toEqual([]);
    expect((await jobsOf(id)).map((j) => j.holdUntil)).toEqual(['2026-03-02T11:00:00.000Z', '2026-03-02T11:00:00.000Z']);
    h.clock.set('2026-03-02T11:05:00Z');
    await h.services.orchestrator.tick();
    const [offer] = h.links.offers(a.id);
    expect(offer?.window).toEqual({ cron: '0 11 * * *', durationMinutes: 60, timeZone: 'UTC' });
    expect(offer?.deadline).toBe('2026-03-03T11:30:00.000Z');
    // b comes online after its window closed: nothing until the next window, then it catches up.
    h.clock.set('2026-03-02T13:00:00Z');
    h.links.online.add(b.id);
    await h.services.orchestrator.deviceReady(b.id);
    expect(h.links.offers(b.id)).toEqual([]);
    h.clock.set('2026-03-03T11:00:30Z');
    await h.services.orchestrator.tick();
    expect(h.links.offers(b.id)).toHaveLength(1);

    // A third deployment whose device never shows up before the deadline: the job is missed.
    const c = await h.device('web-late', ['late']);
    const late = await h.create(threeWaves({ targets: { tags: ['late'] }, waves: [{ name: 'all', select: { kind: 'rest' } }], schedule: { deadline: '2026-03-03T12:00:00Z' } }));
    await h.services.commands.start(late, h.alice);
    h.clock.set('2026-03-03T12:00:01Z');
    await h.services.orchestrator.tick();
    const [missed] = await jobsOf(late);
    expect(missed).toMatchObject({ deviceId: c.id, state: 'timed_out', errorCode: 'E_JOB_EXPIRED' });
    expect(missed?.message).toMatch(/^missed: the deadline 2026-03-03T12:00:00.000Z has passed/);
  });

  it('times out a device that never answers, and takes its late result', async () => {
    const [a] = await fleet(1);
    if (!a) throw new Error('no device');
    const id = await h.create(threeWaves({ waves: [{ name: 'all', select: { kind: 'rest' } }], jobTimeoutMinutes: 30 }));
    await h.services.commands.start(id, h.alice);
    await h.services.orchestrator.tick();
    h.clock.advance(34 * 60_000);
    await h.services.orchestrator.tick();
    expect((await jobsOf(id))[0]?.state).toBe('offered');
    h.clock.advance(2 * 60_000);
    await h.services.orchestrator.tick();
    const [timedOut] = await jobsOf(id);
    expect(timedOut).toMatchObject({ state: 'timed_out', errorCode: 'E_JOB_TIMED_OUT' });
    expect((await h.services.reads.get(id)).state).toBe('completed');
    const job = await h.temp.store.deviceJobs.get(timedOut?.jobId ?? '');
    if (!job) throw new Error('no job');
    await h.services.reports.result(a.id, 'late', h.result(job));
    expect((await jobsOf(id))[0]?.state).toBe('succeeded');
  });

  it('resumes exactly where it was after a restart: same assignment, offers again what may not have arrived', async () => {
    const devices = await fleet(4);
    const id = await h.create(threeWaves({ waves: [{ name: 'one', select: { kind: 'percent', percent: 50 } }, { name: 'two', select: { kind: 'rest' } }] }));
    await h.services.commands.start(id, h.alice);
    await h.services.orchestrator.tick();
    const before = (await jobsOf(id)).map((j) => [j.deviceId, j.wave, j.jobId]);
    const restarted = h.restart();
    const onWave0 = (await jobsOf(id, 0)).map((j) => j.deviceId);
    h.links.sent.clear();
    for (const d of onWave0) await restarted.orchestrator.deviceReady(d);
    for (const d of devices) expect(h.links.offers(d.id)).toHaveLength(onWave0.includes(d.id) ? 1 : 0);
    await restarted.orchestrator.tick();
    expect((await jobsOf(id)).map((j) => [j.deviceId, j.wave, j.jobId])).toEqual(before);
    expect((await jobsOf(id, 0)).every((j) => j.attempts === 2)).toBe(true);
  });

  it('rolls a wave back with the versions each device recorded, and marks the apply jobs rolled back', async () => {
    await fleet(2);
    const id = await h.create(threeWaves({ waves: [{ name: 'all', select: { kind: 'rest' } }] }));
    await h.services.commands.start(id, h.alice);
    await h.services.orchestrator.tick();
    await answerWave(id, 0);
    await h.services.orchestrator.tick();
    expect((await h.services.reads.get(id)).state).toBe('completed');
    const rb = await h.services.rollbacks.rollback(id, { scope: { kind: 'wave', wave: 0 }, reason: 'regression in 1.1' }, h.alice);
    expect(rb.jobs).toHaveLength(2);
    expect(rb.skipped).toEqual([]);
    for (const j of rb.jobs) {
      const [offer] = h.links.offers(j.deviceId).filter((o) => o.action.kind === 'rollback');
      expect(offer?.action).toMatchObject({ kind: 'rollback', packages: [{ manager: 'apt', name: 'openssl', arch: 'amd64', version: '1.0' }] });
      const job = await h.temp.store.deviceJobs.get(j.jobId);
      if (!job) throw new Error('no job');
      await h.services.reports.result(j.deviceId, `rb-${j.jobId}`, { ...h.result(job), kind: 'rollback', packages: [{ manager: 'apt', name: 'openssl', arch: 'amd64', requested: '1.0', before: '1.1', after: '1.0', ok: true }] });
    }
    expect((await jobsOf(id)).map((j) => j.state)).toEqual(['rolled_back', 'rolled_back']);
    const again = await h.services.rollbacks.rollback(id, { scope: { kind: 'deployment' }, reason: 'again' }, h.alice);
    expect(again.jobs).toEqual([]);
    expect(again.skipped.map((s) => s.reason)).toEqual(['its apply job is rolled_back', 'its apply job is rolled_back']);
  });

  it('aborts: pending jobs are skipped, offered ones withdrawn with job.cancel', async () => {
    const devices = await fleet(4);
    const id = await h.create(threeWaves({ waves: [{ name: 'one', select: { kind: 'percent', percent: 50 } }, { name: 'two', select: { kind: 'rest' } }] }));
    await h.services.commands.start(id, h.alice);
    await h.services.orchestrator.tick();
    await h.services.commands.abort(id, 'wrong package', h.bob);
    const jobs = await jobsOf(id);
    expect(jobs.filter((j) => j.wave === 1).map((j) => j.state)).toEqual(['skipped', 'skipped']);
    const cancelled = devices.flatMap((d) => h.links.framesOf(d.id, 'job.cancel'));
    expect(cancelled).toHaveLength(2);
    expect(cancelled[0]?.payload.reason).toBe('deployment aborted: wrong package');
    expect((await h.services.reads.get(id)).waves.map((w) => w.state)).toEqual(['aborted', 'aborted']);
  });

  it('offers no job to a device waiting for approval or with a revoked credential, and offers once it is approved', async () => {
    const [waiting, revoked] = await fleet(2);
    if (!waiting || !revoked) throw new Error('fleet');
    await h.temp.store.agentCredentials.requireApproval(waiting.id);
    await h.temp.store.agentCredentials.revoke(revoked.id, h.clock.now(), 'user:alice');
    const id = await h.create(threeWaves({ waves: [{ name: 'all', select: { kind: 'rest' } }] }));
    await h.services.commands.start(id, h.alice);
    await h.services.orchestrator.tick();
    expect(h.links.offers(waiting.id)).toHaveLength(0);
    expect(h.links.offers(revoked.id)).toHaveLength(0);
    expect((await jobsOf(id)).map((j) => j.state)).toEqual(['pending', 'pending']);

    await h.temp.store.agentCredentials.approve(waiting.id, h.clock.now(), 'user:bob');
    await h.services.orchestrator.tick();
    expect(h.links.offers(waiting.id)).toHaveLength(1);
    expect(h.links.offers(revoked.id)).toHaveLength(0);
  });

  it('runs a dry run before approval and refuses self-approval', async () => {
    const [a, b] = await fleet(2);
    if (!a || !b) throw new Error('no devices');
    h.links.online.delete(b.id);
    const id = await h.create(threeWaves({ approval: { required: true, changeRecord: 'CHG-42' } }));
    expect((await h.services.reads.get(id)).state).toBe('awaiting_approval');
    await expect(h.services.commands.start(id, h.alice)).rejects.toMatchObject({ code: 'E_ILLEGAL_TRANSITION' });
    const plan = await h.services.plans.request(id, h.alice);
    expect(plan.devices.map((d) => d.status).sort()).toEqual(['pending', 'unreachable']);
    const [offer] = h.links.offers(a.id);
    expect(offer?.action).toEqual({ kind: 'plan', selection: { kind: 'security' } });
    const job = await h.temp.store.deviceJobs.get(offer?.jobId ?? '');
    if (!job) throw new Error('no plan job');
    await h.services.reports.result(a.id, 'p-1', {
      ...h.result(job),
      plans: [{ manager: 'apt', changes: [{ kind: 'upgrade', name: 'openssl', arch: 'amd64', from: '1.0', to: '1.1' }], unresolved: [], notes: [] }],
    });
    const after = await h.services.plans.view(id);
    expect(after.summary).toMatchObject({ devices: 2, ready: 1, withChanges: 1, pending: 1 });
    await expect(h.services.commands.approve(id, {}, h.alice)).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    await h.services.commands.approve(id, { comment: 'looks right' }, h.bob);
    expect(await h.services.reads.get(id)).toMatchObject({ state: 'scheduled', approval: { approvedBy: 'api-token:bob-token', changeRecord: 'CHG-42', comment: 'looks right' } });
  });

  it('refuses bad specs with a clear message and stores nothing', async () => {
    await fleet(1);
    const bad: [DeploymentSpecInput, RegExp][] = [
      [threeWaves({ targets: { tags: ['nobody'] } }), /targets: no targets: no enrolled device matches \(tags nobody\)/],
      [threeWaves({ schedule: { windows: [{ group: '*', cron: '0 25 * * *', durationMinutes: 60, timeZone: 'UTC' }] } }), /schedule\.windows\.0\.cron: "0 25 \* \* \*" is not a valid cron expression/],
      [threeWaves({ what: { kind: 'packages', packages: [{ name: 'no-such-package', version: null }] } }), /what\.packages\.0\.name: unknown package "no-such-package"/],
      [threeWaves({ targets: { tags: ['web'], queryId: 'q-1' } }), /targets\.queryId: saved device queries are not available/],
    ];
    for (const [spec, message] of bad) await expect(h.create(spec)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(message) });
    expect((await h.temp.store.deployments.list({ limit: 10, offset: 0 })).total).toBe(0);
    expect(await h.temp.store.audit.list({ limit: 10, action: 'deployment.create' })).toEqual([]);
  });
});
