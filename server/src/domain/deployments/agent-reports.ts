import type { AgentRebooted, JobAccepted, JobProgress, JobResultPayload } from '@patchwave/shared';
import { deploymentTarget, deviceActor, moveJob, publishJob, type DeploymentDeps } from './context.js';
import { eventForResult } from './device-job-machine.js';
import { safetySummary } from './job-outcome.js';
import type { DeviceJobPatch, DeviceJobRecord } from './ports.js';
import type { Repositories } from '../store.js';
import { SerialBatch } from './serial-batch.js';
import type { SerialQueue } from './serial-queue.js';

export type ResultOutcome = 'recorded' | 'duplicate' | 'unknown';

const PACKAGES_IN_AUDIT = 50;
/** Results stored per transaction at most (their acks wait for the commit). */
const RESULTS_PER_TRANSACTION = 200;

interface ReportedResult {
  deviceId: string;
  frameId: string;
  payload: JobResultPayload;
}

interface StoredReport {
  outcome: ResultOutcome;
  job: DeviceJobRecord | null;
  /** Jobs that changed (the result's, and the apply job a successful rollback restored). */
  changed: DeviceJobRecord[];
}

/**
 * What agents report about their jobs: accepted (running or held), progress, the result (stored
 * once per job id — a repeat from the agent's outbox changes nothing), and the check-in after a
 * reboot. Every report is idempotent; the caller acks a result frame whatever the outcome, so the
 * agent stops repeating it.
 */
export class AgentReports {
  constructor(
    private readonly deps: DeploymentDeps,
    private readonly serial: SerialQueue,
    /** Called after a change that may let a wave's gates move. */
    private readonly changed: (deploymentId: string) => void,
  ) {
    this.results = new SerialBatch(serial, (items) => this.storeResults(items), RESULTS_PER_TRANSACTION);
  }

  private readonly results: SerialBatch<ReportedResult, ResultOutcome>;

  private async jobOf(deviceId: string, jobId: string, what: string, repos: Pick<Repositories, 'deviceJobs'> = this.deps.store): Promise<DeviceJobRecord | null> {
    const job = await repos.deviceJobs.get(jobId);
    if (!job || job.deviceId !== deviceId) {
      this.deps.log.warn({ deviceId, jobId, what }, job ? 'agent reported on a job of another device; ignored' : 'agent reported on a job this server does not know; ignored');
      return null;
    }
    return job;
  }

  accepted(deviceId: string, payload: JobAccepted['payload']): Promise<void> {
    return this.serial.run(async () => {
      let job = await this.jobOf(deviceId, payload.jobId, 'job.accepted');
      if (!job) return;
      const now = this.deps.clock.now();
      const holdUntil = payload.state === 'held' && payload.holdUntil ? new Date(payload.holdUntil) : null;
      if (job.state === 'offered') {
        job = (await moveJob(this.deps.store, job, 'accept', { acceptedAt: now, holdUntil, updatedAt: now })) ?? job;
      } else if (holdUntil && (job.state === 'accepted' || job.state === 'running')) {
        job = (await this.deps.store.deviceJobs.patch(job.jobId, { holdUntil, updatedAt: now })) ?? job;
      }
      if (payload.state === 'running' && job.state === 'accepted') job = (await moveJob(this.deps.store, job, 'start', { startedAt: now, updatedAt: now })) ?? job;
      publishJob(this.deps, job);
    });
  }

  progress(deviceId: string, payload: JobProgress['payload']): Promise<void> {
    return this.serial.run(async () => {
      if (payload.phase === 'held') return;
      const job = await this.jobOf(deviceId, payload.jobId, 'job.progress');
      if (!job || (job.state !== 'offered' && job.state !== 'accepted')) return;
      const now = this.deps.clock.now();
      const started = await moveJob(this.deps.store, job, 'start', { startedAt: now, updatedAt: now });
      if (started) publishJob(this.deps, started);
    });
  }

  /**
   * Stores a job.result. Results that arrive while the queue is busy are stored together, in one
   * transaction, in the order they came (each exactly as it would be on its own: the first per
   * job id counts, its job moves, its audit entry is chained); the loop is poked once per batch.
   */
  result(deviceId: string, frameId: string, payload: JobResultPayload): Promise<ResultOutcome> {
    return this.results.submit({ deviceId, frameId, payload });
  }

  private async storeResults(items: readonly ReportedResult[]): Promise<PromiseSettledResult<ResultOutcome>[]> {
    if (items.length > 1) {
      try {
        return (await this.storeTogether(items)).map((value) => ({ status: 'fulfilled', value }));
      } catch (err) {
        // One bad result must not cost the others: store each on its own, as if they came apart.
        this.deps.log.warn({ err, results: items.length }, 'storing job results together failed; storing them one by one');
      }
    }
    const out: PromiseSettledResult<ResultOutcome>[] = [];
    for (const item of items) {
      try {
        const [value] = await this.storeTogether([item]);
        out.push({ status: 'fulfilled', value: value as ResultOutcome });
      } catch (reason) {
        out.push({ status: 'rejected', reason });
      }
    }
    return out;
  }

  /** Stores `items` in one transaction; publishes, logs and pokes the loop once it committed. */
  private async storeTogether(items: readonly ReportedResult[]): Promise<ResultOutcome[]> {
    const stored = await this.deps.store.transaction(async (tx) => {
      const out: StoredReport[] = [];
      for (const item of items) out.push(await this.storeOne(tx, item));
      return out;
    });
    const touched = new Set<string>();
    stored.forEach((s, i) => {
      const { deviceId, frameId, payload } = items[i] as ReportedResult;
      if (s.outcome === 'duplicate') this.deps.log.info({ deviceId, jobId: payload.jobId, frameId }, 'repeated job result; counted once');
      if (s.outcome !== 'recorded' || !s.job) return;
      for (const c of s.changed) publishJob(this.deps, c);
      this.deps.log.info({ deviceId, deploymentId: s.job.deploymentId, jobId: s.job.jobId, status: payload.status, errorCode: payload.errorCode }, 'job result recorded');
      touched.add(s.job.deploymentId);
    });
    for (const id of touched) this.changed(id);
    return stored.map((s) => s.outcome);
  }

  private async storeOne(tx: Repositories, { deviceId, frameId, payload }: ReportedResult): Promise<StoredReport> {
    const job = await this.jobOf(deviceId, payload.jobId, 'job.result', tx);
    if (!job) return { outcome: 'unknown', job: null, changed: [] };
    const now = this.deps.clock.now();
    const reboot = payload.reboot;
    const rebootedAt = reboot.performed ? now : reboot.scheduledAt ? new Date(reboot.scheduledAt) : null;
    const patch: DeviceJobPatch = {
      finishedAt: now,
      errorCode: payload.errorCode ?? null,
      message: payload.message ?? null,
      ...(payload.startedAt && !job.startedAt ? { startedAt: new Date(payload.startedAt) } : {}),
      ...(rebootedAt ? { rebootedAt } : {}),
      updatedAt: now,
    };
    const changed: DeviceJobRecord[] = [];
    const stored = await tx.jobResults.insert({ jobId: job.jobId, deviceId, deploymentId: job.deploymentId, frameId, receivedAt: now, result: payload });
    if (!stored.inserted) return { outcome: 'duplicate', job, changed };
    const moved = await moveJob(tx, job, eventForResult(payload.status, payload.errorCode), patch);
    if (moved) changed.push(moved);
    let restored: DeviceJobRecord | null = null;
    if (moved && job.kind === 'rollback' && payload.status === 'succeeded' && job.rollbackOf) {
      const applied = await tx.deviceJobs.get(job.rollbackOf);
      restored = applied ? await moveJob(tx, applied, 'roll_back', { message: `rolled back by job ${job.jobId}`, updatedAt: now }) : null;
      if (restored) changed.push(restored);
    }
    await this.deps.audit.record(tx.audit, {
      actor: deviceActor(deviceId),
      action: 'deployment.job.result',
      target: deploymentTarget(job.deploymentId),
      details: {
        jobId: job.jobId,
        kind: job.kind,
        wave: job.wave,
        status: payload.status,
        ...(payload.errorCode ? { code: payload.errorCode } : {}),
        from: job.state,
        to: moved?.state ?? job.state,
        ...(moved ? {} : { note: `no transition: the job was already ${job.state}` }),
        packages: payload.packages.slice(0, PACKAGES_IN_AUDIT).map((p) => ({ manager: p.manager, name: p.name, before: p.before, after: p.after, ok: p.ok })),
        reboot: payload.reboot,
        inventoryHash: payload.inventoryHash,
        ...(payload.safety ? { safety: safetySummary(payload.safety) } : {}),
        ...(restored ? { rolledBack: restored.jobId } : {}),
      },
    });
    return { outcome: 'recorded', job, changed };
  }

  rebooted(deviceId: string, payload: AgentRebooted['payload']): Promise<void> {
    return this.serial.run(async () => {
      if (!payload.jobId) {
        this.deps.log.info({ deviceId, bootId: payload.bootId }, 'agent checked in after a reboot it did not ask for');
        return;
      }
      const job = await this.jobOf(deviceId, payload.jobId, 'agent.rebooted');
      if (!job || job.checkedInAt) return;
      const now = this.deps.clock.now();
      const updated = await this.deps.store.transaction(async (tx) => {
        const next = await tx.deviceJobs.patch(job.jobId, {
          checkedInAt: now,
          ...(job.rebootedAt ? {} : { rebootedAt: payload.requestedAt ? new Date(payload.requestedAt) : now }),
          updatedAt: now,
        });
        await this.deps.audit.record(tx.audit, {
          actor: deviceActor(deviceId),
          action: 'deployment.job.checked-in',
          target: deploymentTarget(job.deploymentId),
          details: { jobId: job.jobId, wave: job.wave, bootId: payload.bootId, ...(payload.bootedAt ? { bootedAt: payload.bootedAt } : {}) },
        });
        return next;
      });
      if (updated) publishJob(this.deps, updated);
      this.changed(job.deploymentId);
    });
  }
}
