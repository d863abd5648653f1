import { randomUUID } from 'node:crypto';
import {
  agentFrame,
  LIMITS,
  type AgentMessage,
  type CronSource,
  type ErrorCode,
  type Job,
  type JobResultPayload,
  type ManagerName,
} from '@patchwave/shared';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../connection/clock.js';
import type { PackageManager } from '../pkg/package-manager.js';
import type { BeforeGate } from '../safety/safe-apply.js';
import { ExecaCommandRunner } from '../exec/execa-runner.js';
import { systemSafetyRuntime, type SafetyRuntime } from '../safety/safety-runtime.js';
import { SafetySteps } from './safety-steps.js';
import { runApply, runPlan, runRollback, type ActionContext, type ActionOutcome } from './actions.js';
import { admit, type JobVerifier } from './admission.js';
import { bootTimeOf, sameBoot, type BootIdSource } from './boot-id.js';
import { cronOccurrences } from './cron.js';
import type { ActiveJob, JobStore } from './job-store.js';
import type { Rebooter } from './rebooter.js';
import { interruptedResult } from './recovery.js';
import { joinMessages, ranResult, rebootPolicyOf, refusedResult, type PendingResult } from './results.js';

export interface JobExecutorDeps {
  /** This agent's device id (from enrollment): jobs for any other device are refused. */
  deviceId: string;
  store: JobStore;
  managers: readonly PackageManager[];
  /** Collects and reports the inventory; returns its hash (null when it could not). */
  reinventory: () => Promise<string | null>;
  rebooter: Rebooter;
  bootId: BootIdSource;
  clock: Clock;
  log: Logger;
  /** Hands a frame to the connection; frames sent while offline stay in the outbox. */
  send: (frame: AgentMessage) => void;
  verifier?: JobVerifier;
  /**
   * Told of every offered job refused before it ran (bad or missing signature, another device,
   * not yet valid, expired, replayed): the trust work reports it to the server as a security event.
   */
  onRefused?: (job: Job, refusal: { code: ErrorCode; message: string }) => void;
  cron?: CronSource;
  /** Tolerated clock skew for notBefore (default 5 min). */
  skewMs?: number;
  /** A reboot that has not happened this long after it was requested is given up (default 30 min). */
  rebootGraceMs?: number;
  newFrameId?: () => string;
  /** Probes and pre-flight sources for apply jobs that carry `safety` (agent/src/safety). */
  safety?: SafetyRuntime;
}

const MAX_TIMER_MS = 3_600_000;

/**
 * Runs jobs, one at a time, with the journal in front of every side effect. Public operations are
 * serialized on one chain; `idle()` resolves when the chain is empty. Wiring (phase 2): call
 * `start()` once before connecting, `resend()` on every (re)connect, `offer()` / `cancel()` for
 * job.offer / job.cancel frames and `ack()` for acks; the executor arms its own timer (held jobs,
 * scheduled reboots) on the injected clock.
 */
export class JobExecutor {
  private chain: Promise<void> = Promise.resolve();
  private timer: TimerHandle | undefined;
  private stopped = false;
  private readonly cron: CronSource;
  private readonly newFrameId: () => string;
  private readonly safetySteps: SafetySteps;

  constructor(private readonly deps: JobExecutorDeps) {
    this.cron = deps.cron ?? cronOccurrences;
    this.newFrameId = deps.newFrameId ?? randomUUID;
    let runtime = deps.safety;
    this.safetySteps = new SafetySteps({
      deviceId: deps.deviceId,
      store: deps.store,
      managers: deps.managers,
      rebooter: deps.rebooter,
      now: () => this.now(),
      rebootUntil: () => new Date(deps.clock.now() + this.rebootGrace()),
      runtime: () => (runtime ??= systemSafetyRuntime({ exec: new ExecaCommandRunner(), log: deps.log })),
      context: (job, log) => this.contextFor(job, log),
      progress: (jobId, phase) => this.progress(jobId, phase),
      finish: (job, result) => this.finish(job, result),
      reinventory: () => deps.reinventory(),
      currentBoot: (log) => this.currentBoot(log),
    });
  }

  private now(): Date {
    return new Date(this.deps.clock.now());
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await op();
      } catch (err) {
        this.deps.log.error({ err }, 'job executor operation failed');
      }
      this.arm();
    });
    this.chain = run;
    return run;
  }

  /** Recovers after a restart: post-reboot check-in, interrupted jobs reported once, held jobs re-checked. */
  start(): Promise<void> {
    return this.enqueue(() => this.recover());
  }

  /** A job.offer arrived. `raw` is the job object as received, for the signature check. */
  offer(job: Job, raw?: Readonly<Record<string, unknown>>): Promise<void> {
    return this.enqueue(() => this.handleOffer(job, raw));
  }

  /** A job.cancel arrived: a job that has not started is withdrawn; a running one finishes. */
  cancel(jobId: string, reason: string): Promise<void> {
    return this.enqueue(async () => {
      const active = this.deps.store.get(jobId);
      if (!active) {
        this.deps.log.info({ jobId }, 'cancel for a job that is not waiting here; ignored');
        return;
      }
      if (active.state === 'running') {
        this.deps.log.warn({ jobId }, 'cancel for a running job; it will finish');
        return;
      }
      this.finish(active.job, refusedResult(active.job, this.deps.deviceId, 'cancelled', { code: undefined, message: `cancelled by the server: ${reason}` }, this.now()));
    });
  }

  /** The server acked a frame: it leaves the outbox. Not serialized: acks never wait for a job. */
  ack(frameId: string): void {
    if (this.deps.store.ack(frameId, this.now().toISOString())) this.deps.store.maybeCompact(this.now());
  }

  /** Sends every frame still waiting for an ack (call on each connect). */
  resend(): void {
    for (const frame of this.deps.store.outbox()) this.deps.send(frame);
  }

  /** Runs what is due: held jobs whose window opened (or expired), scheduled reboots. */
  tick(): Promise<void> {
    return this.enqueue(() => this.runDue());
  }

  /** Resolves when every queued operation has finished. */
  idle(): Promise<void> {
    return this.chain;
  }

  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.timer);
  }

  /** Earliest time something is due (epoch ms), or null. */
  nextWakeAt(): number | null {
    const times: number[] = [];
    for (const j of this.deps.store.active()) if (j.state === 'held' && j.holdUntil) times.push(Date.parse(j.holdUntil));
    for (const s of this.deps.store.scheduledReboots()) times.push(Date.parse(s.rebootAt));
    const intent = this.deps.store.rebootIntent();
    if (intent) times.push(Date.parse(intent.at) + this.rebootGrace());
    return times.length ? Math.min(...times) : null;
  }

  private rebootGrace(): number {
    return this.deps.rebootGraceMs ?? 30 * 60_000;
  }

  private arm(): void {
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const wake = this.nextWakeAt();
    if (wake === null || this.stopped) return;
    const delay = Math.min(Math.max(0, wake - this.deps.clock.now()), MAX_TIMER_MS);
    this.timer = this.deps.clock.setTimeout(() => void this.tick(), delay);
  }

  private async handleOffer(job: Job, raw?: Readonly<Record<string, unknown>>): Promise<void> {
    const { store, log } = this.deps;
    if (store.hasSeen(job.jobId)) {
      this.answerDuplicate(job);
      return;
    }
    const verdict = admit(job, { deviceId: this.deps.deviceId, now: this.now(), cron: this.cron, ...this.admitOptions(raw) });
    if (verdict.kind === 'refuse') {
      log.warn({ jobId: job.jobId, code: verdict.code, reason: verdict.message }, 'job refused');
      this.finish(job, refusedResult(job, this.deps.deviceId, verdict.status, { code: verdict.code, message: verdict.message }, this.now()));
      this.deps.onRefused?.(job, { code: verdict.code, message: verdict.message });
      return;
    }
    store.receive(job, this.now().toISOString());
    await this.proceed(job.jobId, verdict.kind === 'hold' ? verdict : null);
  }

  private admitOptions(raw?: Readonly<Record<string, unknown>>) {
    return {
      ...(this.deps.verifier ? { verifier: this.deps.verifier } : {}),
      ...(this.deps.skewMs !== undefined ? { skewMs: this.deps.skewMs } : {}),
      ...(raw ? { raw } : {}),
    };
  }

  /** Holds or runs a stored job; `hold` is the admission's decision when it must wait. */
  private async proceed(jobId: string, hold: { until: Date; reason: string } | null): Promise<void> {
    const active = this.deps.store.get(jobId);
    if (!active) return;
    if (hold) {
      const holdUntil = hold.until.toISOString();
      if (active.state !== 'held' || active.holdUntil !== holdUntil) this.deps.store.setState(jobId, 'held', this.now().toISOString(), holdUntil);
      this.deps.log.info({ jobId, holdUntil, reason: hold.reason }, 'job held');
      this.deps.send(agentFrame('job.accepted', { jobId, state: 'held', holdUntil }, this.newFrameId(), this.now()));
      return;
    }
    await this.execute(active);
  }

  private answerDuplicate(job: Job): void {
    const active = this.deps.store.get(job.jobId);
    if (active) {
      const held = active.state === 'held' && active.holdUntil;
      this.deps.send(
        agentFrame('job.accepted', { jobId: job.jobId, state: held ? 'held' : 'running', ...(held ? { holdUntil: active.holdUntil } : {}) }, this.newFrameId(), this.now()),
      );
      return;
    }
    const queued = this.deps.store.outbox().find((f) => f.type === 'job.result' && f.payload.jobId === job.jobId);
    if (queued) {
      this.deps.send(queued);
      return;
    }
    this.deps.log.warn({ jobId: job.jobId }, 'job id seen before; refused as a replay');
    const refused = refusedResult(job, this.deps.deviceId, 'rejected', { code: 'E_JOB_REPLAYED', message: `job ${job.jobId} was received before and is never run twice` }, this.now());
    this.deps.send(agentFrame('job.result', { ...refused, inventoryHash: null }, this.newFrameId(), this.now()));
    this.deps.onRefused?.(job, { code: 'E_JOB_REPLAYED', message: refused.message ?? 'replayed job' });
  }

  /** Journals the result (the job is done and its result queued, in one record), then sends it. */
  private finish(job: Job, result: PendingResult): void {
    const payload: JobResultPayload = { ...result, inventoryHash: result.inventoryHash ?? null };
    const frame = agentFrame('job.result', payload, this.newFrameId(), this.now());
    this.deps.store.finish(job.jobId, job.expiresAt, frame, this.now().toISOString());
    this.deps.log.info({ jobId: job.jobId, status: payload.status, errorCode: payload.errorCode }, 'job finished');
    this.deps.send(frame);
    this.deps.store.maybeCompact(this.now());
  }

  private progress(jobId: string, phase: 'preparing' | 'applying' | 'verifying' | 'rebooting', manager?: ManagerName): void {
    this.deps.send(agentFrame('job.progress', { jobId, phase, ...(manager ? { manager } : {}) }, this.newFrameId(), this.now()));
  }

  private contextFor(job: Job, jobLog: Logger): ActionContext {
    return {
      jobId: job.jobId,
      store: this.deps.store,
      managers: this.deps.managers,
      now: () => this.now(),
      log: jobLog,
      timeoutMs: (job.timeoutMinutes ?? 60) * 60_000,
      progress: (phase, manager) => this.progress(job.jobId, phase, manager),
    };
  }


  private async execute(active: ActiveJob): Promise<void> {
    const { job } = active;
    const { store, log } = this.deps;
    const jobLog = log.child({ jobId: job.jobId });
    store.setState(job.jobId, 'running', this.now().toISOString());
    this.deps.send(agentFrame('job.accepted', { jobId: job.jobId, state: 'running' }, this.newFrameId(), this.now()));
    const startedAt = this.now().toISOString();
    const ctx = this.contextFor(job, jobLog);
    const action = job.action;
    let outcome: ActionOutcome;
    let gate: BeforeGate | undefined;
    if (action.kind === 'apply' && action.safety) {
      ctx.progress('preparing');
      gate = await this.safetySteps.checkBefore(action.safety, action.packages.map((p) => p.manager), jobLog);
      if (gate.stop || gate.rebootFirst) {
        await this.safetySteps.stopBefore(active, gate, startedAt, jobLog);
        return;
      }
    }
    if (action.kind === 'apply') outcome = await runApply(ctx, action);
    else if (action.kind === 'rollback') outcome = await runRollback(ctx, action);
    else if (action.kind === 'plan') outcome = await runPlan(ctx, action.selection, action.holds);
    else outcome = { ok: true, exitCode: null, packages: [], rebootRequired: false, ran: [], outputTail: '' };

    let inventoryHash: string | null = null;
    if (action.kind !== 'plan' && action.kind !== 'reboot') {
      this.progress(job.jobId, 'verifying');
      try {
        inventoryHash = await this.deps.reinventory();
      } catch (err) {
        jobLog.warn({ err }, 're-inventory after the job failed');
        if (action.kind === 'rescan') outcome = { ...outcome, ok: false, errorCode: 'E_INTERNAL', message: `inventory failed: ${(err as Error).message}` };
      }
    }
    const required = action.kind === 'reboot' || outcome.rebootRequired || (await this.rebootRequiredNow(outcome.ran, jobLog));
    let result: PendingResult = ranResult(job, this.deps.deviceId, outcome, { startedAt, finishedAt: this.now().toISOString() }, required, inventoryHash);
    const policy = rebootPolicyOf(action);
    const rebootNow = policy.mode === 'always' || (policy.mode === 'if-required' && required);
    const safety = action.kind === 'apply' ? action.safety : undefined;
    // After-probes wait for the reboot when there is one; without a change they are not run (nothing to blame).
    let owesProbes = false;
    if (safety && gate) {
      result.safety = gate.report;
      if (outcome.ran.length > 0 && safety.probes.length > 0) {
        if (rebootNow) owesProbes = true;
        else result = await this.safetySteps.probeAfter(job, safety, result, jobLog);
      }
    }
    if (policy.mode === 'deadline' && required) {
      const rebootAt = new Date(this.deps.clock.now() + policy.withinMinutes * 60_000).toISOString();
      store.scheduleReboot(job.jobId, rebootAt, this.now().toISOString());
      result.reboot = { required, performed: false, scheduledAt: rebootAt };
    }
    if (rebootNow) await this.rebootFor(job, result, jobLog, owesProbes);
    else this.finish(job, result);
  }

  /** The current boot id; 'unknown' when it cannot be read (a later real id then counts as a new boot). */
  private async currentBoot(log: Logger): Promise<string> {
    try {
      return await this.deps.bootId();
    } catch (err) {
      log.warn({ err }, 'could not read the boot id');
      return 'unknown';
    }
  }

  /** Asks the adapters that ran whether the host needs a reboot now. */
  private async rebootRequiredNow(ran: readonly PackageManager[], log: Logger): Promise<boolean> {
    for (const pm of ran) {
      if (!pm.capabilities.detectsReboot) continue;
      try {
        if ((await pm.rebootRequired()).required === true) return true;
      } catch (err) {
        log.warn({ err, manager: pm.name }, 'could not tell whether a reboot is required');
      }
    }
    return false;
  }

  /**
   * Reboots for a job: the intent (with the result to report once back) is journaled first; if
   * the OS accepts the request the result is queued at once (the server may get it before the
   * restart); if it refuses, the intent is void and the result says the reboot did not happen.
   */
  private async rebootFor(job: Job, result: PendingResult, log: Logger, owesProbes = false): Promise<void> {
    const withReboot: JobResultPayload = { ...result, inventoryHash: result.inventoryHash ?? null, reboot: { ...result.reboot, performed: true } };
    this.deps.store.recordRebootIntent({ jobId: job.jobId, at: this.now().toISOString(), bootId: await this.currentBoot(log), result: withReboot });
    this.progress(job.jobId, 'rebooting');
    try {
      await this.deps.rebooter.reboot(`patchwave job ${job.jobId}`);
      log.info({ owesProbes }, 'reboot requested');
      // With health probes the result waits for them, after the reboot (see recover()).
      if (!owesProbes) this.finish(job, withReboot);
    } catch (err) {
      log.error({ err }, 'reboot request failed');
      this.deps.store.recordRebootFailed((err as Error).message.slice(0, LIMITS.message), this.now().toISOString());
      const message = joinMessages(result.message, `reboot failed: ${(err as Error).message}`);
      const failed: PendingResult = { ...result, message, ...(job.action.kind === 'reboot' ? { status: 'failed', errorCode: 'E_COMMAND_FAILED' } : {}) };
      this.finish(job, await this.safetySteps.owedProbes(job, failed, log));
    }
  }


  private async recover(): Promise<void> {
    const { store, log } = this.deps;
    if (store.damage) log.warn({ ...store.damage }, 'job journal was damaged (torn or corrupt tail) and healed');
    const boot = await this.deps.bootId();
    const intent = store.rebootIntent();
    if (intent && !sameBoot(intent.bootId, boot)) {
      const active = intent.jobId ? store.get(intent.jobId) : undefined;
      if (active && intent.result) this.finish(active.job, await this.safetySteps.owedProbes(active.job, intent.result, log.child({ jobId: active.job.jobId })));
      const bootedAt = bootTimeOf(boot);
      const checkIn = agentFrame(
        'agent.rebooted',
        { bootId: boot, requestedAt: intent.at, ...(intent.jobId ? { jobId: intent.jobId } : {}), ...(bootedAt ? { bootedAt: bootedAt.toISOString() } : {}) },
        this.newFrameId(),
        this.now(),
      );
      store.enqueue(checkIn, this.now().toISOString());
      store.recordRebooted(boot, this.now().toISOString());
      log.info({ jobId: intent.jobId, bootId: boot }, 'back from the reboot; check-in queued');
      this.deps.send(checkIn);
    }
    for (const active of store.active()) {
      const pendingReboot = store.rebootIntent()?.jobId === active.job.jobId;
      if (active.state === 'running' && !pendingReboot) {
        const result = await interruptedResult(active, this.deps.managers, this.deps.deviceId, this.now(), log);
        let inventoryHash: string | null = null;
        try {
          inventoryHash = await this.deps.reinventory();
        } catch (err) {
          log.warn({ err, jobId: active.job.jobId }, 're-inventory after an interrupted job failed');
        }
        log.warn({ jobId: active.job.jobId }, 'job was interrupted by a stop of the agent; reporting it once');
        this.finish(active.job, { ...result, inventoryHash });
      } else if (active.state !== 'running') {
        await this.readmit(active);
      }
    }
  }

  /** Re-checks a stored job that has not started: run, keep holding, or expire. */
  private async readmit(active: ActiveJob): Promise<void> {
    const verdict = admit(active.job, { deviceId: this.deps.deviceId, now: this.now(), cron: this.cron });
    if (verdict.kind === 'refuse') {
      this.finish(active.job, refusedResult(active.job, this.deps.deviceId, verdict.status, { code: verdict.code, message: verdict.message }, this.now()));
      return;
    }
    await this.proceed(active.job.jobId, verdict.kind === 'hold' ? verdict : null);
  }

  private async runDue(): Promise<void> {
    const { store, log } = this.deps;
    const now = this.deps.clock.now();
    for (const active of store.active()) {
      if (active.state === 'held' && active.holdUntil && Date.parse(active.holdUntil) <= now) await this.readmit(active);
    }
    const intent = store.rebootIntent();
    if (intent && Date.parse(intent.at) + this.rebootGrace() <= now && sameBoot(intent.bootId, await this.deps.bootId())) {
      const why = `no reboot within ${Math.round(this.rebootGrace() / 60_000)} min of the request`;
      log.error({ jobId: intent.jobId, requestedAt: intent.at }, 'the requested reboot did not happen');
      store.recordRebootFailed(why, this.now().toISOString());
      const active = intent.jobId ? store.get(intent.jobId) : undefined;
      if (active && intent.result) {
        const message = joinMessages(intent.result.message, `reboot failed: ${why}`);
        const result: PendingResult = { ...intent.result, message, reboot: { ...intent.result.reboot, performed: false } };
        this.finish(active.job, await this.safetySteps.owedProbes(active.job, result, log.child({ jobId: active.job.jobId })));
      }
    }
    for (const s of store.scheduledReboots()) {
      if (Date.parse(s.rebootAt) > now || store.rebootIntent()) continue;
      store.recordRebootIntent({ jobId: s.jobId, at: this.now().toISOString(), bootId: await this.currentBoot(log) });
      try {
        await this.deps.rebooter.reboot(`patchwave job ${s.jobId} (reboot deadline)`);
        log.info({ jobId: s.jobId }, 'scheduled reboot requested');
      } catch (err) {
        log.error({ err, jobId: s.jobId }, 'scheduled reboot request failed');
        store.recordRebootFailed((err as Error).message.slice(0, LIMITS.message), this.now().toISOString());
      }
    }
  }
}
