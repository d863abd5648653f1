import type { DeploymentRecord, DeviceJobRecord } from './ports.js';

/**
 * When the server stops waiting for a device's answer: the job's own timeout plus a grace period
 * for the result to travel, counted from the latest sign of progress (offer, accept, start, or the
 * end of the hold the agent announced). Pending jobs are not timed out here: a device that was
 * offline catches up in its next window, until the deadline.
 */
export function answerDueAt(job: DeviceJobRecord, d: DeploymentRecord, graceMs: number): Date | null {
  if (job.state !== 'offered' && job.state !== 'accepted' && job.state !== 'running') return null;
  const marks = [job.offeredAt, job.acceptedAt, job.startedAt, job.holdUntil].filter((x): x is Date => x !== null);
  if (marks.length === 0) return null;
  const from = Math.max(...marks.map((m) => m.getTime()));
  return new Date(from + d.spec.jobTimeoutMinutes * 60_000 + graceMs);
}

/** A dry-run job that never reached its device expires with its offer validity. */
export function planExpiresAt(job: DeviceJobRecord, validMs: number): Date | null {
  return job.kind === 'plan' && job.state === 'pending' ? new Date(job.createdAt.getTime() + validMs) : null;
}
