import fs from 'node:fs';
import path from 'node:path';
import type { AgentMessage, Job, JobAction, JobResultPayload } from '@patchwave/shared';
import { ManualClock } from '../../connection/clock.js';
import { silentLogger } from '../../log/logger.js';
import type { PackageManager } from '../../pkg/package-manager.js';
import { SimulatedPackageManager } from '../../pkg/simulated/adapter.js';
import { parseScenario, type Scenario } from '../../pkg/simulated/scenario.js';
import { JobExecutor, type JobExecutorDeps } from '../job-executor.js';
import { JOURNAL_FILE, JobStore } from '../job-store.js';
import { RecordingRebooter } from '../rebooter.js';

/**
 * An agent's job side on a temp state directory, with the simulated package manager, a manual
 * clock and a recording rebooter. `restart()` builds a new one on the same directory, as a
 * restarted agent process would.
 */

export const T0 = Date.parse('2026-03-02T00:00:00.000Z');

export const FLEET_SCENARIO = {
  name: 'unit',
  packages: [
    { name: 'openssl', arch: 'amd64', installed: '3.0.11-1', versions: ['3.0.11-1', '3.0.13-1'], security: true },
    { name: 'curl', arch: 'amd64', installed: '7.88.1-10', versions: ['7.88.1-10', '7.88.1-10+deb12u5'] },
    { name: 'linux-image', arch: 'amd64', installed: '6.1.0-17', versions: ['6.1.0-17', '6.1.0-18'], rebootRequired: true },
    { name: 'htop', installed: null, versions: ['3.2.2'] },
  ],
  failures: [{ package: 'curl', exitCode: 100, message: 'dpkg: error processing package curl (--configure)' }],
};

export interface HarnessOptions {
  scenario?: object;
  clock?: ManualClock;
  boot?: string;
  crash?: () => void | Promise<void>;
  deps?: Partial<JobExecutorDeps>;
}

/** Counts the changes asked of a package manager, to prove a job ran once. */
export class CountingManager implements PackageManager {
  applies = 0;
  rollbacks = 0;
  constructor(private readonly inner: PackageManager) {}
  get name() {
    return this.inner.name;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  version() {
    return this.inner.version();
  }
  listInstalled() {
    return this.inner.listInstalled();
  }
  listUpdates() {
    return this.inner.listUpdates();
  }
  plan(...a: Parameters<PackageManager['plan']>) {
    return this.inner.plan(...a);
  }
  apply(...a: Parameters<PackageManager['apply']>) {
    this.applies++;
    return this.inner.apply(...a);
  }
  rollback(...a: Parameters<PackageManager['rollback']>) {
    this.rollbacks++;
    return this.inner.rollback(...a);
  }
  rebootRequired() {
    return this.inner.rebootRequired();
  }
}

export function makeHarness(dir: string, opts: HarnessOptions = {}) {
  const clock = opts.clock ?? new ManualClock(T0);
  const scenario: Scenario = parseScenario(JSON.stringify(opts.scenario ?? FLEET_SCENARIO), 'unit.json');
  const log = silentLogger();
  const store = JobStore.open(dir, { log });
  const pm = new CountingManager(new SimulatedPackageManager({ scenario, stateDir: dir, log, ...(opts.crash ? { crash: opts.crash } : {}) }));
  const sent: AgentMessage[] = [];
  const rebooter = new RecordingRebooter();
  const state = { boot: opts.boot ?? 'boot-1', inventories: 0, frames: 0 };
  const executor = new JobExecutor({
    deviceId: 'dev-1',
    store,
    managers: [pm],
    reinventory: async () => {
      state.inventories++;
      return 'c'.repeat(64);
    },
    rebooter,
    bootId: async () => state.boot,
    clock,
    log,
    send: (f) => sent.push(f),
    newFrameId: () => `f-${state.boot}-${++state.frames}`,
    ...opts.deps,
  });
  const results = () => sent.filter((f): f is Extract<AgentMessage, { type: 'job.result' }> => f.type === 'job.result');
  const lastResult = (): JobResultPayload => {
    const r = results().at(-1);
    if (!r) throw new Error('no job.result was sent');
    return r.payload;
  };
  const journal = () =>
    fs
      .readFileSync(path.join(dir, JOURNAL_FILE), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l.slice(17)) as { t: string; jobId?: string });
  return { clock, store, pm, sent, rebooter, state, executor, results, lastResult, journal, scenario };
}

export function jobOf(id: string, action: JobAction, extra: Partial<Job> = {}): Job {
  return {
    jobId: id,
    deviceId: 'dev-1',
    action,
    issuedAt: new Date(T0).toISOString(),
    notBefore: new Date(T0 - 60_000).toISOString(),
    expiresAt: new Date(T0 + 7 * 86_400_000).toISOString(),
    ...extra,
  };
}

export const applyOf = (packages: { name: string; version?: string | null }[], rebootPolicy: Extract<JobAction, { kind: 'apply' }>['rebootPolicy'] = { mode: 'if-required' }): JobAction => ({
  kind: 'apply',
  packages: packages.map((p) => ({ manager: 'simulated', name: p.name, version: p.version ?? null })),
  rebootPolicy,
});
