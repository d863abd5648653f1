import { randomUUID } from 'node:crypto';
import { deviceGroups, SAFETY_CAPABILITY, serverFrame, type Job, type JobAction, type MaintenanceWindow, type PreviousVersion } from '@patchwave/shared';
import { jobRefusalReason } from '../agent-identity/device-trust.js';
import { describeHeld } from '../group-safety/index.js';
import { deploymentTarget, publishJob, SYSTEM_ACTOR, type DeploymentDeps } from './context.js';
import { buildJob } from './job-builder.js';
import { chooseSafely, nothingToInstall, planSelection } from './job-safety.js';
import { closeJob } from './job-close.js';
import { startDecision, windowStateAt, windowsForDevice } from './maintenance-window.js';
import type { DeploymentRecord, DeviceJobRecord, StoredJobResult } from './ports.js';

export type OfferOutcome =
  | { kind: 'offered' }
  /** The device is not connected (or cannot run jobs): offered when it says hello. */
  | { kind: 'offline' }
  /** Outside its window or before the start time: look again at `until`. */
  | { kind: 'waiting'; until: Date }
  /** Ended without an offer (nothing to do, window missed): the job is final. */
  | { kind: 'closed' };

/** A pending job that may go now, with its signed envelope, not stored yet (see `JobOffers.storeAndSend`). */
export interface ReadyOffer {
  kind: 'ready';
  deploymentId: string;
  job: DeviceJobRecord;
  signed: Job;
  at: Date;
}

/**
 * The versions a rollback restores: the apply job's recorded versions-before, for the packages the
 * apply changed (or whose outcome it did not report). A package that is still at its old version
 * needs nothing, and neither does a device whose agent rolled back automatically after a health
 * failure.
 */
export function rollbackTargets(result: StoredJobResult | null): PreviousVersion[] {
  // The agent already restored the old versions itself after a health failure.
  if (result?.result.safety?.autoRollback?.status === 'succeeded') return [];
  const plan = result?.result.rollbackPlan ?? [];
  const packages = result?.result.packages ?? [];
  return plan.filter((prev) => {
    const outcome = packages.find((p) => p.manager === prev.manager && p.name === prev.name && (p.arch === prev.arch || !p.arch || !prev.arch));
    return !outcome || outcome.after !== prev.version;
  });
}

/** The window that is open now among `windows`, without its group. */
function openWindow(windows: readonly (MaintenanceWindow & { group: string })[], now: Date): MaintenanceWindow | null {
  for (const w of windows) {
    if (windowStateAt(w, now).open) return { cron: w.cron, durationMinutes: w.durationMinutes, timeZone: w.timeZone };
  }
  return null;
}

/**
 * Offers device jobs: decides whether a pending job may go now (device connected, inside its
 * maintenance window, after the start time, before the deadline), builds the action from the
 * device's stored inventory (apply), the spec (plan) or the apply job's recorded versions
 * (rollback), signs it, stores it as offered — before it is sent, so a crash never loses an offer
 * that may have reached the agent — and sends it.
 */
export class JobOffers {
  constructor(private readonly deps: DeploymentDeps) {}

  async offer(d: DeploymentRecord, job: DeviceJobRecord): Promise<OfferOutcome> {
    const prepared = await this.prepare(d, job);
    if (prepared.kind !== 'ready') return prepared;
    return (await this.storeAndSend([prepared])) === 1 ? { kind: 'offered' } : { kind: 'closed' };
  }

  /**
   * Decides whether a pending job may go now and, when it may, builds and signs its envelope
   * without storing it: `storeAndSend` does that for a whole batch. Skips, misses and holds found
   * on the way are stored here, as `offer` does.
   */
  async prepare(d: DeploymentRecord, job: DeviceJobRecord): Promise<ReadyOffer | Exclude<OfferOutcome, { kind: 'offered' }>> {
    const { deps } = this;
    if (job.state !== 'pending') return { kind: 'closed' };
    const now = deps.clock.now();
    // One read of the device serves its windows (groups), its trust and its groups' safety settings.
    const device = await deps.store.devices.get(job.deviceId);
    // Windows and the deadline first: a device that stays offline past its deadline is closed too.
    const timing = job.kind === 'apply' ? await this.timing(d, job, device?.tags ?? [], now) : null;
    if (timing && timing.kind !== 'ready') return timing;
    if (!deps.links.canRunJobs(job.deviceId)) return { kind: 'offline' };
    // Trust before anything is signed: an unapproved or revoked device gets no job (it stays pending).
    const refusal = device ? jobRefusalReason(device) : 'the device is not enrolled';
    if (refusal) {
      deps.log.debug({ deploymentId: d.id, jobId: job.jobId, deviceId: job.deviceId, reason: refusal }, 'job held back');
      return { kind: 'offline' };
    }
    const built = await this.actionFor(d, job, timing, device?.tags ?? []);
    if (built.kind !== 'ready') return built;
    const envelope = buildJob({
      jobId: job.jobId,
      deviceId: job.deviceId,
      deploymentId: d.id,
      action: built.action,
      now,
      window: built.window,
      deadline: built.deadline,
      timeoutMinutes: d.spec.jobTimeoutMinutes,
      ...(job.kind === 'plan' ? { validForMs: this.planValidMs() } : {}),
    });
    const signed: Job = deps.signer ? deps.signer.sign(envelope) : envelope;
    return { kind: 'ready', deploymentId: d.id, job, signed, at: now };
  }

  /**
   * Stores prepared offers as offered (`pending → offered` with the signed envelope) in one
   * transaction, and only then sends them, in order: a crash never loses an offer that may have
   * reached its agent. Returns how many were stored (a job that moved meanwhile is not sent).
   */
  async storeAndSend(ready: readonly ReadyOffer[]): Promise<number> {
    if (ready.length === 0) return 0;
    const { deps } = this;
    const stored = await deps.store.transaction(async (tx) => {
      const out: DeviceJobRecord[] = [];
      for (const r of ready) {
        const offered = await tx.deviceJobs.transition(r.job.jobId, 'pending', 'offered', {
          job: r.signed,
          attempts: r.job.attempts + 1,
          offeredAt: r.at,
          holdUntil: null,
          updatedAt: r.at,
        });
        if (offered) out.push(offered);
      }
      return out;
    });
    for (const offered of stored) {
      this.send(offered);
      publishJob(deps, offered);
      deps.log.info({ deploymentId: offered.deploymentId, jobId: offered.jobId, deviceId: offered.deviceId, kind: offered.kind, wave: offered.wave }, 'job offered');
    }
    return stored.length;
  }

  /** Sends an offered job's stored envelope again (after a reconnect): the agent never runs a job id twice. */
  async reoffer(job: DeviceJobRecord): Promise<boolean> {
    if (job.state !== 'offered' || !job.job || !this.deps.links.canRunJobs(job.deviceId)) return false;
    const now = this.deps.clock.now();
    const again = await this.deps.store.deviceJobs.transition(job.jobId, 'offered', 'offered', { attempts: job.attempts + 1, updatedAt: now });
    if (!again) return false;
    this.send(again);
    this.deps.log.info({ deploymentId: job.deploymentId, jobId: job.jobId, deviceId: job.deviceId, attempts: again.attempts }, 'job offered again');
    return true;
  }

  /** Asks the agent to withdraw a job that has not started (a running one finishes and reports). */
  cancel(job: DeviceJobRecord, reason: string): boolean {
    return this.deps.links.send(job.deviceId, serverFrame('job.cancel', { jobId: job.jobId, reason: reason.slice(0, 200) }, randomUUID(), this.deps.clock.now()));
  }

  planValidMs(): number {
    return this.deps.planValidMs ?? 3_600_000;
  }

  private send(job: DeviceJobRecord): void {
    if (!job.job) return;
    this.deps.links.send(job.deviceId, serverFrame('job.offer', { job: job.job }, randomUUID(), this.deps.clock.now()));
  }

  /** Whether an apply job may start now: its device's windows, the start time and the deadline. */
  private async timing(
    d: DeploymentRecord,
    job: DeviceJobRecord,
    tags: readonly string[],
    now: Date,
  ): Promise<{ kind: 'ready'; window: MaintenanceWindow | null; deadline: Date | null } | Exclude<OfferOutcome, { kind: 'offered' }>> {
    const { deps } = this;
    const spec = d.spec;
    const windows = windowsForDevice(spec.schedule.windows, deviceGroups(tags));
    const deadline = spec.schedule.deadline ? new Date(spec.schedule.deadline) : null;
    const decision = startDecision({ windows, startAt: spec.schedule.startAt ? new Date(spec.schedule.startAt) : null, deadline }, now);
    if (decision.kind === 'missed') {
      await closeJob(deps, job, 'time_out', {
        code: windows.length ? 'E_JOB_OUTSIDE_WINDOW' : 'E_JOB_EXPIRED',
        message: `missed: ${decision.reason}`,
        actor: SYSTEM_ACTOR,
        action: 'deployment.job.missed',
      });
      return { kind: 'closed' };
    }
    if (decision.kind === 'wait') {
      if (job.holdUntil?.getTime() !== decision.until.getTime()) {
        const held = await deps.store.deviceJobs.patch(job.jobId, { holdUntil: decision.until, updatedAt: now });
        if (held) publishJob(deps, held);
      }
      return { kind: 'waiting', until: decision.until };
    }
    return { kind: 'ready', window: openWindow(windows, now), deadline };
  }

  private async actionFor(
    d: DeploymentRecord,
    job: DeviceJobRecord,
    timing: { window: MaintenanceWindow | null; deadline: Date | null } | null,
    tags: readonly string[],
  ): Promise<{ kind: 'ready'; action: JobAction; window: MaintenanceWindow | null; deadline: Date | null } | { kind: 'closed' }> {
    const { deps } = this;
    const spec = d.spec;
    if (job.kind === 'plan') {
      const safe = await chooseSafely(deps, job.deviceId, spec, tags);
      if (safe.kind === 'ok' && safe.held.length > 0 && safe.packages.length === 0) {
        await closeJob(deps, job, 'skip', { code: 'E_PKG_HELD', message: nothingToInstall(safe), actor: SYSTEM_ACTOR, action: 'deployment.job.skip' });
        return { kind: 'closed' };
      }
      return { kind: 'ready', action: { kind: 'plan', selection: safe.kind === 'ok' ? planSelection(spec, safe) : spec.what }, window: null, deadline: null };
    }
    if (job.kind === 'rollback') {
      const packages = rollbackTargets(job.rollbackOf ? await deps.store.jobResults.get(job.rollbackOf) : null);
      if (packages.length === 0) {
        await closeJob(deps, job, 'skip', { message: 'nothing to roll back: the apply job changed no package', actor: SYSTEM_ACTOR, action: 'deployment.job.skip' });
        return { kind: 'closed' };
      }
      // An operator asked for it explicitly: a rollback does not wait for a maintenance window.
      return { kind: 'ready', action: { kind: 'rollback', packages, rebootPolicy: spec.rebootPolicy, ...(job.rollbackOf ? { of: job.rollbackOf } : {}) }, window: null, deadline: null };
    }
    const choice = await chooseSafely(deps, job.deviceId, spec, tags);
    if (choice.kind === 'refused') {
      await closeJob(deps, job, 'skip', { code: choice.code, message: choice.message, actor: SYSTEM_ACTOR, action: 'deployment.job.skip' });
      return { kind: 'closed' };
    }
    if (choice.packages.length === 0) {
      await closeJob(deps, job, 'skip', { ...(choice.held.length ? { code: 'E_PKG_HELD' as const } : {}), message: nothingToInstall(choice), actor: SYSTEM_ACTOR, action: 'deployment.job.skip' });
      return { kind: 'closed' };
    }
    if (choice.safety && deps.links.hasCapability?.(job.deviceId, SAFETY_CAPABILITY) === false) {
      await closeJob(deps, job, 'skip', {
        code: 'E_NOT_SUPPORTED',
        message: `not patched: its groups have safety settings (probes, holds or pre-flight checks) but its agent does not announce ${SAFETY_CAPABILITY} and would ignore them; upgrade the agent`,
        actor: SYSTEM_ACTOR,
        action: 'deployment.job.skip',
      });
      return { kind: 'closed' };
    }
    if (choice.held.length > 0) {
      deps.log.info({ deploymentId: d.id, jobId: job.jobId, deviceId: job.deviceId, held: choice.held.map(describeHeld) }, 'held packages left out of the job');
      await deps.audit.record(null, {
        actor: SYSTEM_ACTOR,
        action: 'deployment.job.held-packages',
        target: deploymentTarget(d.id),
        details: { jobId: job.jobId, deviceId: job.deviceId, held: choice.held.map((h) => ({ name: h.pkg.name, manager: h.pkg.manager, version: h.pkg.version, group: h.hold.group, ...(h.hold.reason ? { reason: h.hold.reason } : {}) })) },
      });
    }
    const action: JobAction = { kind: 'apply', packages: choice.packages, rebootPolicy: spec.rebootPolicy, ...(choice.safety ? { safety: choice.safety } : {}) };
    return { kind: 'ready', action, window: timing?.window ?? null, deadline: timing?.deadline ?? null };
  }
}
