import { PatchwaveError } from '@patchwave/shared';
import { ConcurrencyBudget } from './concurrency.js';
import { changeDeployment, latestPerDevice, publishWave, setWave, SYSTEM_ACTOR, type DeploymentDeps } from './context.js';
import { evaluateGates, type GateOutcome } from './gates.js';
import { toWaveDeviceStatus } from './job-builder.js';
import { closeJob } from './job-close.js';
import type { JobOffers } from './job-offers.js';
import { OfferBatch } from './offer-batch.js';
import { answerDueAt, planExpiresAt } from './job-timeouts.js';
import type { DeploymentRecord, DeviceJobRecord, StoredGateOutcome } from './ports.js';
import type { SerialQueue } from './serial-queue.js';
import type { DeploymentStarter } from './deployment-start.js';

/** Result of one pass, for the loop (when to look again) and tests. */
export interface TickReport {
  started: string[];
  offered: number;
  timedOut: number;
  /** Earliest time something becomes due on its own (a window opens, a soak ends), if any. */
  wakeAt: Date | null;
}

/**
 * The deployment loop's work, one pass at a time (`tick`), all state read from the database:
 * starts scheduled deployments whose start time came, offers pending jobs (current wave of running
 * deployments, dry runs, rollbacks) to connected devices inside their windows, times out devices
 * that never answered, and evaluates the current wave's gates — promoting, completing or halting
 * with the reason. A server restarted mid-wave resumes here exactly where it was.
 */
export class Orchestrator {
  constructor(
    private readonly deps: DeploymentDeps,
    private readonly offers: JobOffers,
    private readonly starter: DeploymentStarter,
    private readonly serial: SerialQueue,
  ) {}

  /** One pass. Serialized with every other state change. */
  tick(): Promise<TickReport> {
    return this.serial.run(() => this.pass());
  }

  /** A device said hello with the jobs capability: offer what waits for it, re-send what it may have missed. */
  deviceReady(deviceId: string): Promise<number> {
    return this.serial.run(async () => {
      let sent = 0;
      const cache = new Map<string, DeploymentRecord | null>();
      const budget = new ConcurrencyBudget(this.deps.store.deviceJobs);
      for (const job of await this.deps.store.deviceJobs.listOpenForDevice(deviceId)) {
        const d = await this.deployment(cache, job.deploymentId);
        if (!d) continue;
        if (job.kind === 'apply' && d.state === 'aborted' && job.state !== 'running') {
          this.offers.cancel(job, 'deployment aborted');
          continue;
        }
        if (job.state === 'offered') {
          if (await this.offers.reoffer(job)) sent++;
        } else if (job.state === 'pending' && this.mayOffer(d, job) && (await budget.allows(d, job))) {
          if ((await this.offers.offer(d, job)).kind === 'offered') {
            budget.offered(d, job);
            sent++;
          }
        }
      }
      return sent;
    });
  }

  /** Evaluates one deployment's current wave now (after a result or an operator action). */
  evaluateNow(deploymentId: string): Promise<Date | null> {
    return this.serial.run(async () => {
      const d = await this.deps.store.deployments.get(deploymentId);
      return d ? this.evaluate(d) : null;
    });
  }

  private async deployment(cache: Map<string, DeploymentRecord | null>, id: string): Promise<DeploymentRecord | null> {
    if (!cache.has(id)) cache.set(id, await this.deps.store.deployments.get(id));
    return cache.get(id) ?? null;
  }

  /** Apply jobs go out only for the current wave of a running deployment; dry runs and rollbacks whenever asked. */
  private mayOffer(d: DeploymentRecord, job: DeviceJobRecord): boolean {
    if (job.kind === 'apply') return d.state === 'running' && d.currentWave === job.wave;
    return true;
  }

  private async pass(): Promise<TickReport> {
    const report: TickReport = { started: [], offered: 0, timedOut: 0, wakeAt: null };
    const wake = (at: Date | null) => {
      if (at && (!report.wakeAt || at < report.wakeAt)) report.wakeAt = at;
    };
    const now = this.deps.clock.now();
    // 1. Scheduled deployments whose start time has come start by themselves.
    const scheduled = await this.deps.store.deployments.list({ states: ['scheduled'], limit: 1000, offset: 0 });
    for (const d of scheduled.items) {
      const startAt = d.spec.schedule.startAt ? new Date(d.spec.schedule.startAt) : null;
      if (!startAt) continue;
      if (startAt <= now) {
        await this.starter.start(d, { actor: SYSTEM_ACTOR, action: 'deployment.start', reason: `scheduled start time ${startAt.toISOString()} reached` });
        report.started.push(d.id);
      } else wake(startAt);
    }
    // 2. Open jobs: offer, time out.
    const cache = new Map<string, DeploymentRecord | null>();
    const budget = new ConcurrencyBudget(this.deps.store.deviceJobs);
    const grace = this.deps.answerGraceMs ?? 5 * 60_000;
    const batch = new OfferBatch(this.offers);
    for (const job of await this.deps.store.deviceJobs.listOpen()) {
      const d = await this.deployment(cache, job.deploymentId);
      if (!d) continue;
      const due = answerDueAt(job, d, grace) ?? planExpiresAt(job, this.offers.planValidMs());
      if (due && due <= now) {
        const what = job.state === 'pending' ? 'the dry run could not reach the device before it expired' : `no result from the device within ${d.spec.jobTimeoutMinutes} min (+${Math.round(grace / 60_000)} min grace)`;
        if (await closeJob(this.deps, job, 'time_out', { code: 'E_JOB_TIMED_OUT', message: what, actor: SYSTEM_ACTOR, action: 'deployment.job.timeout' })) report.timedOut++;
        continue;
      }
      wake(due);
      if (job.state !== 'pending' || !this.mayOffer(d, job) || !(await budget.allows(d, job))) continue;
      const outcome = await batch.add(d, job);
      if (outcome.kind === 'offered') budget.offered(d, job);
      else if (outcome.kind === 'waiting') wake(outcome.until);
    }
    await batch.flush();
    report.offered = batch.sent;
    // 3. Gates of every running deployment.
    const running = await this.deps.store.deployments.list({ states: ['running'], limit: 1000, offset: 0 });
    for (const d of running.items) wake(await this.evaluate(d));
    return report;
  }

  /** Evaluates the current wave's gates and acts on the verdict; returns when to look again. */
  private async evaluate(d: DeploymentRecord): Promise<Date | null> {
    if (d.state !== 'running' || d.currentWave === null) return null;
    const index = d.currentWave;
    const wave = await this.deps.store.waves.get(d.id, index);
    const waveSpec = d.spec.waves[index];
    if (!wave || !waveSpec) throw new PatchwaveError('E_INTERNAL', `deployment ${d.id} is on wave ${index}, which is not stored`);
    const jobs = latestPerDevice(await this.deps.store.deviceJobs.list(d.id, { wave: index, kind: 'apply' }));
    const now = this.deps.clock.now();
    const outcome: GateOutcome = evaluateGates(waveSpec.gates, jobs.map(toWaveDeviceStatus), now, wave.skippedGates);
    const stored: StoredGateOutcome = { ...outcome, evaluatedAt: now };
    if (outcome.verdict === 'wait') {
      if (wave.lastOutcome?.reason !== outcome.reason || wave.lastOutcome.verdict !== 'wait') {
        const updated = await this.deps.store.waves.update(d.id, index, { lastOutcome: stored });
        if (updated) publishWave(this.deps, updated);
      }
      return outcome.until;
    }
    const last = index === d.spec.waves.length - 1;
    const label = `wave ${index} "${wave.name}"`;
    if (outcome.verdict === 'breach') {
      const reason = `${label}: ${outcome.reason}`;
      await changeDeployment(this.deps, d, 'halt', { haltReason: reason }, { actor: SYSTEM_ACTOR, action: 'deployment.halt', reason, details: { gates: outcome.checks } }, (tx) =>
        setWave(tx, d.id, index, 'halted', now, { lastOutcome: stored }),
      );
      this.deps.log.warn({ deploymentId: d.id, wave: index, reason }, 'gate breached; deployment halted');
    } else if (last) {
      await changeDeployment(this.deps, d, 'complete', { finishedAt: now, haltReason: null }, { actor: SYSTEM_ACTOR, action: 'deployment.complete', reason: `${label}: ${outcome.reason}` }, (tx) =>
        setWave(tx, d.id, index, 'passed', now, { lastOutcome: stored }),
      );
    } else {
      const next = await changeDeployment(
        this.deps,
        d,
        'promote',
        { haltReason: null },
        { actor: SYSTEM_ACTOR, action: 'deployment.promote', reason: `${label}: ${outcome.reason}`, details: { gates: outcome.checks } },
        async (tx) => {
          await setWave(tx, d.id, index, 'passed', now, { lastOutcome: stored });
          await setWave(tx, d.id, index + 1, 'running', now, { startedAt: now });
        },
      );
      for (const w of await this.deps.store.waves.list(d.id)) if (w.index === index || w.index === index + 1) publishWave(this.deps, w);
      // Offer the next wave at once rather than at the next tick, and judge it (an empty wave passes).
      const budget = new ConcurrencyBudget(this.deps.store.deviceJobs);
      const batch = new OfferBatch(this.offers);
      for (const job of await this.deps.store.deviceJobs.list(d.id, { wave: index + 1, kind: 'apply', states: ['pending'] })) {
        if (!(await budget.allows(next, job))) break;
        if ((await batch.add(next, job)).kind === 'offered') budget.offered(next, job);
      }
      await batch.flush();
      return this.evaluate(next);
    }
    for (const w of await this.deps.store.waves.list(d.id)) if (w.index === index) publishWave(this.deps, w);
    return null;
  }
}
