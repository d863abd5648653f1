import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyOf, FLEET_SCENARIO, jobOf, makeHarness, T0 } from './__tests__/harness.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-exec-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const MIN = 60_000;
const never = () => new Promise<void>(() => undefined);

describe('JobExecutor: applying', () => {
  it('records the rollback plan before the first apply, reports the real versions and keeps the result until acked', async () => {
    const h = makeHarness(dir);
    await h.executor.start();
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'openssl' }, { name: 'htop', version: '3.2.2' }])));
    const r = h.lastResult();
    expect(r).toMatchObject({ jobId: 'j-1', deviceId: 'dev-1', kind: 'apply', status: 'succeeded', exitCode: 0, inventoryHash: 'c'.repeat(64) });
    expect(r.packages.map((p) => [p.name, p.requested, p.before, p.after, p.ok])).toEqual([
      ['openssl', null, '3.0.11-1', '3.0.13-1', true],
      ['htop', '3.2.2', null, '3.2.2', true],
    ]);
    expect(r.rollbackPlan).toEqual([
      { manager: 'simulated', name: 'openssl', arch: 'amd64', version: '3.0.11-1' },
      { manager: 'simulated', name: 'htop', arch: 'all', version: null },
    ]);
    expect(r.reboot).toEqual({ required: false, performed: false });
    expect(h.state.inventories).toBe(1);
    expect(h.sent.map((f) => f.type)).toEqual(['job.accepted', 'job.progress', 'job.progress', 'job.progress', 'job.result']);
    // The journal announces each step before it happens.
    expect(h.journal().filter((rec) => rec.jobId === 'j-1' || rec.t === 'job').map((rec) => rec.t)).toEqual([
      'job',
      'state',
      'rollback-plan',
      'apply-start',
      'apply-done',
      'finished',
    ]);
    const frameId = h.results()[0]?.id as string;
    expect(h.store.outbox().map((f) => f.id)).toEqual([frameId]);
    h.executor.ack(frameId);
    expect(h.store.outbox()).toEqual([]);
    expect(makeHarness(dir).store.outbox()).toEqual([]);
  });

  it('reports a failing package with its code and exit code, the rest still applied', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'curl' }, { name: 'openssl' }])));
    const r = h.lastResult();
    expect(r).toMatchObject({ status: 'failed', errorCode: 'E_PKG_SCRIPT_FAILED', exitCode: 100 });
    expect(r.packages.map((p) => [p.name, p.ok, p.after, p.errorCode])).toEqual([
      ['curl', false, '7.88.1-10', 'E_PKG_SCRIPT_FAILED'],
      ['openssl', true, '3.0.13-1', undefined],
    ]);
    expect(r.outputTail).toContain('dpkg: error processing package curl (--configure)');
  });

  it('fails packages that do not resolve and managers the device does not have, without running anything for them', async () => {
    const h = makeHarness(dir);
    const job = jobOf('j-1', {
      kind: 'apply',
      packages: [
        { manager: 'simulated', name: 'nginx', version: null },
        { manager: 'apt', name: 'openssl', version: null },
      ],
      rebootPolicy: { mode: 'never' },
    });
    await h.executor.offer(job);
    expect(h.lastResult().packages.map((p) => [p.manager, p.name, p.errorCode])).toEqual([
      ['apt', 'openssl', 'E_NOT_SUPPORTED'],
      ['simulated', 'nginx', 'E_PKG_NOT_FOUND'],
    ]);
    expect(h.pm.applies).toBe(0);
  });
});

describe('JobExecutor: never twice', () => {
  it('answers a repeated offer with the queued result, then refuses it as a replay, also after a restart', async () => {
    const h = makeHarness(dir);
    const job = jobOf('j-1', applyOf([{ name: 'openssl' }]));
    await h.executor.offer(job);
    const first = h.results()[0];
    await h.executor.offer(job);
    expect(h.results().map((f) => f.id)).toEqual([first?.id, first?.id]);
    h.executor.ack(first?.id as string);
    await h.executor.offer(job);
    expect(h.lastResult()).toMatchObject({ status: 'rejected', errorCode: 'E_JOB_REPLAYED' });
    expect(h.store.outbox()).toEqual([]);
    const restarted = makeHarness(dir);
    await restarted.executor.start();
    await restarted.executor.offer(job);
    expect(restarted.lastResult()).toMatchObject({ status: 'rejected', errorCode: 'E_JOB_REPLAYED' });
    expect(h.pm.applies + restarted.pm.applies).toBe(1);
  });

  it('remembers refused job ids too', async () => {
    const h = makeHarness(dir);
    const job = jobOf('j-x', { kind: 'rescan' }, { deviceId: 'dev-2' });
    await h.executor.offer(job);
    h.executor.ack(h.results()[0]?.id as string);
    await h.executor.offer({ ...job, deviceId: 'dev-1' });
    expect(h.lastResult()).toMatchObject({ status: 'rejected', errorCode: 'E_JOB_REPLAYED' });
    expect(h.state.inventories).toBe(0);
  });
});

describe('JobExecutor: refusals', () => {
  it.each([
    ['another device', { deviceId: 'dev-9' }, 'rejected', 'E_JOB_WRONG_DEVICE'],
    ['not yet valid', { notBefore: new Date(T0 + 60 * MIN).toISOString(), expiresAt: new Date(T0 + 120 * MIN).toISOString() }, 'rejected', 'E_JOB_NOT_YET_VALID'],
    ['expired', { issuedAt: new Date(T0 - 120 * MIN).toISOString(), notBefore: new Date(T0 - 120 * MIN).toISOString(), expiresAt: new Date(T0 - MIN).toISOString() }, 'expired', 'E_JOB_EXPIRED'],
  ] as const)('refuses a job for %s, reports it once and changes nothing', async (_what, extra, status, code) => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'openssl' }]), extra));
    expect(h.results()).toHaveLength(1);
    expect(h.lastResult()).toMatchObject({ jobId: 'j-1', status, errorCode: code, packages: [] });
    expect(h.pm.applies).toBe(0);
    expect(h.store.outbox()).toHaveLength(1);
  });

  it('refuses a job whose signature does not verify', async () => {
    const h = makeHarness(dir, { deps: { verifier: { verify: () => ({ ok: false, message: 'signature does not match key k1' }) } } });
    await h.executor.offer(jobOf('j-1', { kind: 'rescan' }));
    expect(h.lastResult()).toMatchObject({ status: 'rejected', errorCode: 'E_JOB_BAD_SIGNATURE', message: 'signature does not match key k1' });
  });
});

describe('JobExecutor: maintenance windows', () => {
  const window = { cron: '0 2 * * *', durationMinutes: 60, timeZone: 'UTC' };

  it('holds a job until its window opens, on its own timer, then runs it', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'openssl' }]), { window }));
    expect(h.sent.map((f) => f.type)).toEqual(['job.accepted']);
    expect(h.sent[0]?.payload).toEqual({ jobId: 'j-1', state: 'held', holdUntil: '2026-03-02T02:00:00.000Z' });
    expect(h.executor.nextWakeAt()).toBe(T0 + 120 * MIN);
    expect(h.clock.pending()).toEqual([T0 + 60 * MIN]);
    h.clock.advance(60 * MIN);
    await h.executor.idle();
    expect(h.pm.applies).toBe(0);
    h.clock.advance(60 * MIN);
    await h.executor.idle();
    expect(h.pm.applies).toBe(1);
    expect(h.lastResult()).toMatchObject({ status: 'succeeded', startedAt: '2026-03-02T02:00:00.000Z' });
  });

  it('keeps holding across a restart, and catches up in the next window after missing one', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'openssl' }]), { window, deadline: new Date(T0 + 3 * 86_400_000).toISOString() }));
    h.executor.stop();
    // The agent was off during the window of the 2nd and comes back at 05:00.
    h.clock.advance(5 * 60 * MIN);
    const back = makeHarness(dir, { clock: h.clock });
    await back.executor.start();
    expect(back.sent.at(-1)?.payload).toEqual({ jobId: 'j-1', state: 'held', holdUntil: '2026-03-03T02:00:00.000Z' });
    back.clock.advance(21 * 60 * MIN);
    await back.executor.idle();
    expect(back.pm.applies).toBe(1);
    expect(back.lastResult().status).toBe('succeeded');
  });

  it('expires a held job when the agent comes back after the deadline', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'openssl' }]), { window, deadline: new Date(T0 + 20 * 60 * MIN).toISOString() }));
    h.executor.stop();
    h.clock.advance(30 * 60 * MIN);
    const back = makeHarness(dir, { clock: h.clock });
    await back.executor.start();
    expect(back.lastResult()).toMatchObject({ status: 'expired', errorCode: 'E_JOB_EXPIRED' });
    expect(back.pm.applies).toBe(0);
  });

  it('cancels a held job on request', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'openssl' }]), { window }));
    await h.executor.cancel('j-1', 'deployment aborted');
    expect(h.lastResult()).toMatchObject({ status: 'cancelled', message: 'cancelled by the server: deployment aborted' });
    h.clock.advance(180 * MIN);
    await h.executor.idle();
    expect(h.pm.applies).toBe(0);
  });
});

describe('JobExecutor: crash recovery', () => {
  it('reports a job interrupted mid-apply exactly once, with the versions really installed', async () => {
    const scenario = { ...FLEET_SCENARIO, crash: { afterPackages: 1 } };
    let stopped = false;
    const crashed = makeHarness(dir, {
      scenario,
      crash: () => {
        stopped = true;
        return never();
      },
    });
    await crashed.executor.start();
    void crashed.executor.offer(jobOf('j-1', applyOf([{ name: 'openssl' }, { name: 'htop' }])));
    // The "process" stops inside the package manager, after the first package: nothing after it runs.
    await waitFor(() => stopped);
    expect(crashed.journal().at(-1)?.t).toBe('apply-start');
    expect(crashed.results()).toEqual([]);

    const restarted = makeHarness(dir, { scenario });
    await restarted.executor.start();
    expect(restarted.results()).toHaveLength(1);
    const r = restarted.lastResult();
    expect(r).toMatchObject({ jobId: 'j-1', status: 'interrupted', errorCode: 'E_JOB_INTERRUPTED', inventoryHash: 'c'.repeat(64) });
    expect(r.message).toBe('the agent stopped while simulated was changing packages; versions were read back after it restarted');
    expect(r.packages.map((p) => [p.name, p.before, p.after, p.ok])).toEqual([
      ['openssl', '3.0.11-1', '3.0.13-1', true],
      ['htop', null, null, false],
    ]);
    expect(r.rollbackPlan?.map((p) => [p.name, p.version])).toEqual([
      ['openssl', '3.0.11-1'],
      ['htop', null],
    ]);

    // A second restart before the server acked: the same frame is re-sent, no second result is made.
    const again = makeHarness(dir, { scenario });
    await again.executor.start();
    again.executor.resend();
    expect(again.results().map((f) => f.id)).toEqual([restarted.results()[0]?.id]);
    again.executor.ack(again.results()[0]?.id as string);
    const third = makeHarness(dir, { scenario });
    await third.executor.start();
    third.executor.resend();
    expect(third.results()).toEqual([]);
    await third.executor.offer(jobOf('j-1', applyOf([{ name: 'openssl' }])));
    expect(third.lastResult()).toMatchObject({ status: 'rejected', errorCode: 'E_JOB_REPLAYED' });
  });

  it('resumes nothing that had not started: a held job is held again, not interrupted', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', { kind: 'rescan' }, { window: { cron: '0 2 * * *', durationMinutes: 60, timeZone: 'UTC' } }));
    const back = makeHarness(dir, { clock: h.clock });
    await back.executor.start();
    expect(back.results()).toEqual([]);
    expect(back.sent.map((f) => f.type)).toEqual(['job.accepted']);
  });
});

describe('JobExecutor: reboots', () => {
  it('reboots when required and allowed, reports it, and checks in once after the reboot', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'linux-image' }])));
    expect(h.rebooter.requests).toEqual(['patchwave job j-1']);
    expect(h.lastResult()).toMatchObject({ status: 'succeeded', reboot: { required: true, performed: true } });
    expect(h.journal().map((r) => r.t).slice(-2)).toEqual(['reboot-intent', 'finished']);

    const booted = makeHarness(dir, { boot: 'boot-2' });
    await booted.executor.start();
    const checkIns = booted.sent.filter((f) => f.type === 'agent.rebooted');
    expect(checkIns.map((f) => f.payload)).toEqual([{ bootId: 'boot-2', jobId: 'j-1', requestedAt: new Date(T0).toISOString() }]);
    expect(booted.store.outbox().map((f) => f.type)).toEqual(['job.result', 'agent.rebooted']);

    const again = makeHarness(dir, { boot: 'boot-2' });
    await again.executor.start();
    expect(again.sent.filter((f) => f.type === 'agent.rebooted')).toEqual([]);
  });

  it('reports the job after the reboot when the agent died between the reboot request and the result', async () => {
    const h = makeHarness(dir, { deps: { rebooter: { reboot: never } } });
    void h.executor.offer(jobOf('j-1', applyOf([{ name: 'linux-image' }])));
    await waitFor(() => h.journal().some((r) => r.t === 'reboot-intent'));
    const booted = makeHarness(dir, { boot: 'boot-2' });
    await booted.executor.start();
    expect(booted.results().map((f) => [f.payload.status, f.payload.reboot])).toEqual([['succeeded', { required: true, performed: true }]]);
    expect(booted.sent.map((f) => f.type)).toEqual(['job.result', 'agent.rebooted']);
  });

  it('does not reboot with the never policy, and says so when the reboot request fails', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'linux-image' }], { mode: 'never' })));
    expect(h.rebooter.requests).toEqual([]);
    expect(h.lastResult().reboot).toEqual({ required: true, performed: false });

    h.rebooter.failWith = new Error('Access denied');
    await h.executor.offer(jobOf('j-2', { kind: 'reboot' }));
    expect(h.lastResult()).toMatchObject({ status: 'failed', errorCode: 'E_COMMAND_FAILED', reboot: { performed: false }, message: 'reboot failed: Access denied' });
    expect(h.store.rebootIntent()).toBeNull();
  });

  it('with a reboot deadline, reboots when it is due', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'linux-image' }], { mode: 'deadline', withinMinutes: 30 })));
    expect(h.lastResult().reboot).toEqual({ required: true, performed: false, scheduledAt: new Date(T0 + 30 * MIN).toISOString() });
    expect(h.rebooter.requests).toEqual([]);
    h.clock.advance(30 * MIN);
    await h.executor.idle();
    expect(h.rebooter.requests).toEqual(['patchwave job j-1 (reboot deadline)']);
    const booted = makeHarness(dir, { boot: 'boot-2', clock: h.clock });
    await booted.executor.start();
    expect(booted.sent.filter((f) => f.type === 'agent.rebooted').map((f) => f.payload)).toEqual([
      { bootId: 'boot-2', jobId: 'j-1', requestedAt: new Date(T0 + 30 * MIN).toISOString() },
    ]);
  });
});

describe('JobExecutor: rollback, plan, rescan', () => {
  it('rolls back to the versions recorded before applying', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', applyOf([{ name: 'openssl' }, { name: 'htop' }], { mode: 'never' })));
    const plan = h.lastResult().rollbackPlan ?? [];
    await h.executor.offer(jobOf('j-2', { kind: 'rollback', packages: plan, rebootPolicy: { mode: 'never' }, of: 'j-1' }));
    const r = h.lastResult();
    expect(r).toMatchObject({ kind: 'rollback', status: 'succeeded' });
    expect(r.packages.map((p) => [p.name, p.before, p.after, p.ok])).toEqual([
      ['openssl', '3.0.13-1', '3.0.11-1', true],
      ['htop', '3.2.2', null, true],
    ]);
    expect(r.rollbackPlan?.map((p) => [p.name, p.version])).toEqual([
      ['openssl', '3.0.13-1'],
      ['htop', '3.2.2'],
    ]);
  });

  it('says E_ROLLBACK_UNSUPPORTED where the manager cannot roll back, without calling it', async () => {
    const h = makeHarness(dir, { scenario: { ...FLEET_SCENARIO, canRollback: false } });
    await h.executor.offer(jobOf('j-2', { kind: 'rollback', packages: [{ manager: 'simulated', name: 'openssl', arch: 'amd64', version: '3.0.11-1' }], rebootPolicy: { mode: 'never' } }));
    expect(h.lastResult()).toMatchObject({ status: 'failed', errorCode: 'E_ROLLBACK_UNSUPPORTED' });
    expect(h.pm.rollbacks).toBe(0);
  });

  it('returns the dry run of a plan job and changes nothing', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', { kind: 'plan', selection: { kind: 'security' } }));
    const r = h.lastResult();
    expect(r).toMatchObject({ kind: 'plan', status: 'succeeded', inventoryHash: null });
    expect(r.plans?.[0]?.changes.map((c) => c.name)).toEqual(['openssl']);
    expect(h.pm.applies).toBe(0);
    expect(h.state.inventories).toBe(0);
  });

  it('rescans: re-inventories and reports the hash', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', { kind: 'rescan' }));
    expect(h.lastResult()).toMatchObject({ kind: 'rescan', status: 'succeeded', inventoryHash: 'c'.repeat(64) });
  });
});

describe('JobExecutor: outbox', () => {
  it('keeps unacked results across restarts and re-sends them on every connect', async () => {
    const h = makeHarness(dir);
    await h.executor.offer(jobOf('j-1', { kind: 'rescan' }));
    await h.executor.offer(jobOf('j-2', { kind: 'rescan' }));
    const ids = h.results().map((f) => f.id);
    h.executor.ack(ids[0] as string);
    const back = makeHarness(dir);
    await back.executor.start();
    back.executor.resend();
    expect(back.results().map((f) => f.id)).toEqual([ids[1]]);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  const { vi } = await import('vitest');
  await vi.waitFor(() => expect(cond()).toBe(true), { timeout: 5000, interval: 2 });
}
