import type { ErrorCode } from '@patchwave/shared';
import { deploymentTarget, moveJob, publishJob, type DeploymentDeps } from './context.js';
import type { DeviceJobEvent } from './device-job-machine.js';
import type { DeviceJobRecord } from './ports.js';

/**
 * Ends a job without a result from the device (skipped, missed its window, timed out, withdrawn):
 * the transition and its audit entry in one transaction, then the event. Returns the job after it,
 * or null when it had moved on meanwhile.
 */
export async function closeJob(
  deps: DeploymentDeps,
  job: DeviceJobRecord,
  event: Extract<DeviceJobEvent, 'skip' | 'time_out'>,
  why: { code?: ErrorCode | undefined; message: string; actor: string; action: string },
): Promise<DeviceJobRecord | null> {
  const now = deps.clock.now();
  const moved = await deps.store.transaction(async (tx) => {
    const next = await moveJob(tx, job, event, { finishedAt: now, errorCode: why.code ?? null, message: why.message.slice(0, 4000), updatedAt: now });
    if (!next) return null;
    await deps.audit.record(tx.audit, {
      actor: why.actor,
      action: why.action,
      target: deploymentTarget(job.deploymentId),
      details: { jobId: job.jobId, deviceId: job.deviceId, kind: job.kind, wave: job.wave, from: job.state, to: next.state, ...(why.code ? { code: why.code } : {}), message: why.message.slice(0, 1000) },
    });
    return next;
  });
  if (moved) {
    publishJob(deps, moved);
    deps.log.info({ deploymentId: job.deploymentId, jobId: job.jobId, deviceId: job.deviceId, state: moved.state, code: why.code }, 'device job closed');
  }
  return moved;
}
