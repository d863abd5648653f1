import { LIMITS, type ErrorCode, type Job, type JobSafety, type ManagerName } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { PackageManager } from '../pkg/package-manager.js';
import { owesAfterProbes, safetyAfter, safetyBefore, type BeforeGate } from '../safety/safe-apply.js';
import type { SafetyRuntime } from '../safety/safety-runtime.js';
import type { ActionContext } from './actions.js';
import type { ActiveJob, JobStore } from './job-store.js';
import type { Rebooter } from './rebooter.js';
import { refusedResult, type PendingResult } from './results.js';

/** What the safety steps need from the executor. */
export interface SafetyHost {
  deviceId: string;
  store: JobStore;
  managers: readonly PackageManager[];
  rebooter: Rebooter;
  now: () => Date;
  /** Until when a job waiting for its reboot-first stays held (the reboot grace period). */
  rebootUntil: () => Date;
  runtime: () => SafetyRuntime;
  context: (job: Job, log: Logger) => ActionContext;
  progress: (jobId: string, phase: 'verifying' | 'rebooting') => void;
  finish: (job: Job, result: PendingResult) => void;
  reinventory: () => Promise<string | null>;
  currentBoot: (log: Logger) => Promise<string>;
}

/** The executor's side of safe patching (../safety/README.md): the gate before, the probes after, reboot-first. */
export class SafetySteps {
  constructor(private readonly host: SafetyHost) {}

  /** Pre-flight checks and probes before applying, for the managers the job names. */
  checkBefore(safety: JobSafety, managers: readonly ManagerName[], log: Logger): Promise<BeforeGate> {
    const names = new Set(managers);
    return safetyBefore(safety, this.host.managers.filter((m) => names.has(m.name)), this.host.runtime(), log);
  }

  /** The after-probes (and an automatic rollback), then a fresh inventory if the rollback changed anything. */
  async probeAfter(job: Job, safety: JobSafety, result: PendingResult, log: Logger): Promise<PendingResult> {
    this.host.progress(job.jobId, 'verifying');
    const checked = await safetyAfter(this.host.context(job, log), safety, result, this.host.runtime());
    if (!checked.safety?.autoRollback) return checked;
    try {
      return { ...checked, inventoryHash: await this.host.reinventory(), finishedAt: this.host.now().toISOString() };
    } catch (err) {
      log.warn({ err }, 're-inventory after the automatic rollback failed');
      return { ...checked, finishedAt: this.host.now().toISOString() };
    }
  }

  /** Runs the after-probes a result still owes (its reboot happened, or will not). */
  owedProbes(job: Job, result: PendingResult, log: Logger): Promise<PendingResult> {
    const safety = job.action.kind === 'apply' ? job.action.safety : undefined;
    return owesAfterProbes(safety, result) ? this.probeAfter(job, safety, result, log) : Promise.resolve(result);
  }

  /**
   * The job does not apply: a pre-flight check or a probe failed (the result says which, nothing
   * changed), or a reboot is pending and the policy says reboot first: the job is held, the reboot
   * requested, and after it the job is admitted and run again. A reboot-first that finds the reboot
   * still pending after its own reboot fails the job instead of looping.
   */
  async stopBefore(active: ActiveJob, gate: BeforeGate, startedAt: string, log: Logger): Promise<void> {
    const { job } = active;
    const { store, now } = this.host;
    const base = refusedResult(job, this.host.deviceId, 'failed', { code: undefined, message: '' }, now());
    const failed = (code: ErrorCode, message: string): PendingResult => ({ ...base, startedAt, errorCode: code, message: message.slice(0, LIMITS.message), safety: gate.report });
    if (gate.stop) {
      this.host.finish(job, failed(gate.stop.code, gate.stop.message));
      return;
    }
    const why = gate.rebootFirst ?? 'a reboot is pending';
    if (active.safetyReboots > 0) {
      this.host.finish(job, failed('E_PREFLIGHT_FAILED', `a reboot is still pending after the reboot patchwave did first; nothing was applied: ${why}`));
      return;
    }
    store.recordSafetyReboot(job.jobId, now().toISOString());
    store.setState(job.jobId, 'held', now().toISOString(), this.host.rebootUntil().toISOString());
    store.recordRebootIntent({ jobId: job.jobId, at: now().toISOString(), bootId: await this.host.currentBoot(log) });
    this.host.progress(job.jobId, 'rebooting');
    try {
      await this.host.rebooter.reboot(`patchwave job ${job.jobId} (pending reboot before applying)`);
      log.info({ why }, 'a reboot was pending: rebooting first; the job runs again after it');
    } catch (err) {
      log.error({ err }, 'reboot request failed');
      store.recordRebootFailed((err as Error).message.slice(0, LIMITS.message), now().toISOString());
      this.host.finish(job, failed('E_PREFLIGHT_FAILED', `a reboot is pending and the reboot first failed: ${(err as Error).message}`));
    }
  }
}
