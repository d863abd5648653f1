import { LIMITS, type Job, type JobAction, type JobResultPayload, type RebootPolicy } from '@patchwave/shared';
import type { ActionOutcome } from './actions.js';

/** A job result before its inventory hash is known. */
export type PendingResult = Omit<JobResultPayload, 'inventoryHash'> & { inventoryHash?: string | null };

/** The result of a job that did not run (refused, expired, cancelled). */
export function refusedResult(
  job: Job,
  deviceId: string,
  status: JobResultPayload['status'],
  err: { code: JobResultPayload['errorCode']; message: string },
  now: Date,
): PendingResult {
  return {
    jobId: job.jobId,
    deviceId,
    kind: job.action.kind,
    status,
    ...(err.code ? { errorCode: err.code } : {}),
    message: err.message.slice(0, LIMITS.message),
    finishedAt: now.toISOString(),
    exitCode: null,
    packages: [],
    reboot: { required: false, performed: false },
    outputTail: '',
  };
}

/** The result of a job that ran, from its action's outcome. */
export function ranResult(
  job: Job,
  deviceId: string,
  outcome: ActionOutcome,
  times: { startedAt: string; finishedAt: string },
  rebootRequired: boolean,
  inventoryHash: string | null,
): PendingResult & { inventoryHash: string | null } {
  return {
    jobId: job.jobId,
    deviceId,
    kind: job.action.kind,
    status: outcome.ok ? 'succeeded' : 'failed',
    ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
    ...(outcome.message ? { message: outcome.message.slice(0, LIMITS.message) } : {}),
    startedAt: times.startedAt,
    finishedAt: times.finishedAt,
    exitCode: outcome.exitCode,
    packages: outcome.packages,
    ...(outcome.rollbackPlan ? { rollbackPlan: outcome.rollbackPlan } : {}),
    ...(outcome.plans ? { plans: outcome.plans } : {}),
    reboot: { required: rebootRequired, performed: false },
    outputTail: outcome.outputTail,
    inventoryHash,
  };
}

/** The reboot policy a job runs under: its own for apply and rollback, always for reboot, never otherwise. */
export function rebootPolicyOf(action: JobAction): RebootPolicy {
  if (action.kind === 'apply' || action.kind === 'rollback') return action.rebootPolicy;
  return { mode: action.kind === 'reboot' ? 'always' : 'never' };
}

/** Joins messages into one, bounded. */
export function joinMessages(...parts: (string | undefined)[]): string {
  return parts.filter(Boolean).join('; ').slice(0, LIMITS.message);
}
