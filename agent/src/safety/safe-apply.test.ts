import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { JobSafety, type JobAction } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReplayCommandRunner } from '../exec/replay-runner.js';
import { CountingManager, FLEET_SCENARIO, jobOf, makeHarness } from '../jobs/__tests__/harness.js';
import { silentLogger } from '../log/logger.js';
import { SimulatedPackageManager } from '../pkg/simulated/adapter.js';
import { parseScenario } from '../pkg/simulated/scenario.js';
import { systemSafetyRuntime } from './safety-runtime.js';

/**
 * The executor with safety, on the simulated package manager: real TCP probes against a listener
 * the test opens and closes, the real journal, restarts on the same state directory.
 */

let dir: string;
let listener: net.Server | undefined;
let port: number;

async function listen(p = 0): Promise<number> {
  listener = net.createServer((s) => s.end());
  await new Promise<void>((resolve) => listener?.listen(p, '127.0.0.1', resolve));
  return (listener.address() as net.AddressInfo).port;
}
async function closeListener(): Promise<void> {
  const l = listener;
  listener = undefined;
  if (l) await new Promise<void>((resolve) => l.close(() => resolve()));
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-safety-'));
  port = await listen();
});
afterEach(async () => {
  await closeListener();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The simulated manager with hooks: something "breaks" while applying, a pending reboot the test controls. */
class HookedManager extends CountingManager {
  onApply: (() => Promise<void>) | undefined;
  onRollback: (() => Promise<void>) | undefined;
  pendingReboot: boolean | undefined;
  override async apply(...a: Parameters<CountingManager['apply']>) {
    await this.onApply?.();
    return super.apply(...a);
  }
  override async rollback(...a: Parameters<CountingManager['rollback']>) {
    await this.onRollback?.();
    return super.rollback(...a);
  }
  override async rebootRequired() {
    if (this.pendingReboot === undefined) return super.rebootRequired();
    return { required: this.pendingReboot, reasons: this.pendingReboot ? ['kernel 6.1.0-18 installed, 6.1.0-17 running'] : [], packages: [] };
  }
}

function setup(opts: { boot?: string; pm?: HookedManager } = {}) {
  const log = silentLogger();
  const pm = opts.pm ?? new HookedManager(new SimulatedPackageManager({ scenario: parseScenario(JSON.stringify(FLEET_SCENARIO), 'unit.json'), stateDir: dir, log }));
  const safety = systemSafetyRuntime({ exec: new ReplayCommandRunner([]), log, processes: async () => ['node', 'sshd'], facts: { lockWaitMs: 0 } });
  const h = makeHarness(dir, { ...(opts.boot ? { boot: opts.boot } : {}), deps: { managers: [pm], safety } });
  return { ...h, pm };
}

const apply = (safety: Record<string, unknown>, rebootPolicy: Extract<JobAction, { kind: 'apply' }>['rebootPolicy'] = { mode: 'never' }): JobAction => ({
  kind: 'apply',
  packages: [{ manager: 'simulated', name: 'openssl', version: null }],
  rebootPolicy,
  safety: JobSafety.parse(safety),
});
const tcpProbe = () => ({ kind: 'tcp', name: 'svc', port, timeoutMs: 1_000 }) as const;

describe('safe apply: before applying', () => {
  it('a failed pre-flight check (too little disk) ends the job E_PREFLIGHT_FAILED with nothing applied', async () => {
    const h = setup();
    await h.executor.offer(jobOf('j-1', apply({ preflight: { minFreeDiskMb: 9_000_000, requireLockFree: true, requireAcPower: true, pendingReboot: 'skip' }, probes: [tcpProbe()] })));
    const r = h.lastResult();
    expect(r).toMatchObject({ status: 'failed', errorCode: 'E_PREFLIGHT_FAILED', packages: [] });
    expect(r.message).toMatch(/^pre-flight check failed, nothing was applied: disk: \d+ MiB free on \/ \(below 9000000 MiB\)$/);
    expect(r.safety?.preflight.map((p) => [p.check, p.ok])).toEqual([
      ['disk', false],
      ['lock', true],
      ['power', true],
      ['pending-reboot', true],
    ]);
    expect(r.safety?.before).toEqual([]);
    expect(h.pm.applies).toBe(0);
    expect(h.journal().map((x) => x.t)).not.toContain('apply-start');
  });

  it('skip: a pending reboot fails the job before anything changes', async () => {
    const h = setup();
    h.pm.pendingReboot = true;
    await h.executor.offer(jobOf('j-1', apply({ preflight: { pendingReboot: 'skip', minFreeDiskMb: 0, requireLockFree: false } })));
    expect(h.lastResult()).toMatchObject({ status: 'failed', errorCode: 'E_PREFLIGHT_FAILED' });
    expect(h.lastResult().message).toContain('kernel 6.1.0-18 installed');
    expect(h.pm.applies).toBe(0);
  });

  it('a probe already failing skips the device with E_HEALTH_ALREADY_FAILING: not blamed on the patch', async () => {
    const h = setup();
    await closeListener();
    await h.executor.offer(jobOf('j-1', apply({ probes: [tcpProbe()], rollbackOnHealthFailure: true })));
    const r = h.lastResult();
    expect(r).toMatchObject({ status: 'failed', errorCode: 'E_HEALTH_ALREADY_FAILING' });
    expect(r.message).toContain(`svc (tcp): ECONNREFUSED`);
    expect(r.safety?.before).toEqual([expect.objectContaining({ name: 'svc', ok: false, detail: 'ECONNREFUSED' })]);
    expect(h.pm.applies).toBe(0);
  });
});

describe('safe apply: after applying', () => {
  it('a probe broken by the change fails the job E_HEALTH_CHECK_FAILED and rolls back at once', async () => {
    const h = setup();
    h.pm.onApply = closeListener;
    h.pm.onRollback = async () => {
      await listen(port);
    };
    await h.executor.offer(jobOf('j-1', apply({ probes: [tcpProbe(), { kind: 'process', name: 'ssh', process: 'sshd' }], rollbackOnHealthFailure: true })));
    const r = h.lastResult();
    expect(r).toMatchObject({ status: 'failed', errorCode: 'E_HEALTH_CHECK_FAILED' });
    expect(r.safety?.broken).toEqual(['svc']);
    expect(r.safety?.after.map((p) => [p.name, p.ok])).toEqual([
      ['svc', false],
      ['ssh', true],
    ]);
    expect(r.safety?.autoRollback).toMatchObject({ status: 'succeeded', message: 'restored openssl 3.0.11-1' });
    expect(r.safety?.autoRollback?.after.map((p) => p.ok)).toEqual([true, true]);
    expect(r.packages).toEqual([expect.objectContaining({ name: 'openssl', before: '3.0.11-1', after: '3.0.11-1', ok: false, errorCode: 'E_HEALTH_CHECK_FAILED' })]);
    expect(h.pm.applies).toBe(1);
    expect(h.pm.rollbacks).toBe(1);
    expect(h.state.inventories).toBe(2);
    // The apply's rollback plan stays the job's, in the journal and the result.
    expect(r.rollbackPlan).toEqual([{ manager: 'simulated', name: 'openssl', arch: 'amd64', version: '3.0.11-1' }]);
    expect(h.journal().filter((x) => x.t === 'rollback-plan')).toHaveLength(1);
  });

  it('a rollback that does not bring the probe back is reported as such', async () => {
    const h = setup();
    h.pm.onApply = closeListener;
    await h.executor.offer(jobOf('j-1', apply({ probes: [tcpProbe()], rollbackOnHealthFailure: true })));
    const r = h.lastResult();
    expect(r.safety?.autoRollback).toMatchObject({ status: 'succeeded', after: [expect.objectContaining({ ok: false })] });
    expect(r.message).toContain('still failing after the rollback: svc (tcp): ECONNREFUSED');
  });

  it('settleMs: a service that comes back within the grace period is not a failure', async () => {
    const h = setup();
    h.pm.onApply = async () => {
      await closeListener();
      // The "service" restarts on its own a moment later, as a package's postinst restart would.
      setTimeout(() => void listen(port), 300);
    };
    await h.executor.offer(jobOf('j-1', apply({ probes: [tcpProbe()], rollbackOnHealthFailure: true, settleMs: 10_000 })));
    const r = h.lastResult();
    expect(r).toMatchObject({ status: 'succeeded' });
    expect(r.safety).toMatchObject({ broken: [], after: [expect.objectContaining({ ok: true })] });
    expect(h.pm.rollbacks).toBe(0);
  });

  it('with a reboot, the after-probes run after it: the result waits for the new boot', async () => {
    const h = setup();
    await h.executor.offer(jobOf('j-1', apply({ probes: [tcpProbe()], rollbackOnHealthFailure: true }, { mode: 'always' })));
    expect(h.rebooter.requests).toEqual(['patchwave job j-1']);
    expect(h.results()).toEqual([]);
    expect(h.journal().at(-1)?.t).toBe('reboot-intent');

    // The machine comes back without the service.
    await closeListener();
    const booted = setup({ boot: 'boot-2' });
    await booted.executor.start();
    expect(booted.sent.map((f) => f.type).filter((t) => t !== 'job.progress')).toEqual(['job.result', 'agent.rebooted']);
    const r = booted.lastResult();
    expect(r).toMatchObject({ status: 'failed', errorCode: 'E_HEALTH_CHECK_FAILED', reboot: { performed: true } });
    expect(r.safety?.before.map((p) => p.ok)).toEqual([true]);
    expect(r.safety?.after.map((p) => p.ok)).toEqual([false]);
    expect(r.safety?.autoRollback?.status).toBe('succeeded');
    expect(booted.pm.rollbacks).toBe(1);
  });
});

describe('safe apply: pending reboot, reboot-first', () => {
  const rebootFirst = () => apply({ preflight: { pendingReboot: 'reboot-first', minFreeDiskMb: 0, requireLockFree: false } });

  it('reboots first, then runs the job in the new boot', async () => {
    const h = setup();
    h.pm.pendingReboot = true;
    await h.executor.offer(jobOf('j-1', rebootFirst()));
    expect(h.rebooter.requests).toEqual(['patchwave job j-1 (pending reboot before applying)']);
    expect(h.results()).toEqual([]);
    expect(h.pm.applies).toBe(0);
    expect(h.store.get('j-1')).toMatchObject({ state: 'held', safetyReboots: 1 });

    const booted = setup({ boot: 'boot-2' });
    booted.pm.pendingReboot = false;
    await booted.executor.start();
    const r = booted.lastResult();
    expect(r).toMatchObject({ status: 'succeeded' });
    expect(r.safety?.preflight).toEqual([{ check: 'pending-reboot', ok: true, detail: 'no reboot pending' }]);
    expect(booted.pm.applies).toBe(1);
    expect(booted.sent.map((f) => f.type)).toContain('agent.rebooted');
  });

  it('fails instead of looping when the reboot is still pending after its own reboot', async () => {
    const h = setup();
    h.pm.pendingReboot = true;
    await h.executor.offer(jobOf('j-1', rebootFirst()));
    const booted = setup({ boot: 'boot-2' });
    booted.pm.pendingReboot = true;
    await booted.executor.start();
    expect(booted.lastResult()).toMatchObject({ status: 'failed', errorCode: 'E_PREFLIGHT_FAILED' });
    expect(booted.lastResult().message).toContain('still pending after the reboot patchwave did first');
    expect(booted.rebooter.requests).toEqual([]);
    expect(booted.pm.applies).toBe(0);
  });
});
