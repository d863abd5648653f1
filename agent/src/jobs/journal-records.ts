import { AgentMessage, ERROR_CODES, Job, JobResultPayload, LIMITS, ManagerName, PreviousVersion } from '@patchwave/shared';
import { z } from 'zod';

/**
 * Records of the job journal, one JSON object per line. Each is written (and fsynced) before the
 * side effect it announces; the journal is replayed on start to rebuild the job store.
 */

const At = z.string().max(64);
const JobIdText = z.string().min(1).max(LIMITS.id);

/** What one package-manager run reported, kept so that a result can be rebuilt after a crash. */
export const ManagerRun = z.object({
  manager: ManagerName,
  ok: z.boolean(),
  exitCode: z.number().int().nullable(),
  errorCode: z.enum(ERROR_CODES).optional(),
  message: z.string().max(LIMITS.message).optional(),
  rebootRequired: z.boolean(),
  outputTail: z.string().max(LIMITS.outputTail),
  packages: z.array(
    z.object({
      name: z.string(),
      arch: z.string(),
      requested: z.string().nullable(),
      before: z.string().nullable(),
      after: z.string().nullable(),
      ok: z.boolean(),
      errorCode: z.enum(ERROR_CODES).optional(),
      message: z.string().max(LIMITS.message).optional(),
    }),
  ),
});
export type ManagerRun = z.infer<typeof ManagerRun>;

export const JournalRecord = z.discriminatedUnion('t', [
  /** A job id that must never run again; `expiresAt` lets compaction forget it once it could not pass anyway. */
  z.object({ t: z.literal('seen'), jobId: JobIdText, expiresAt: At }),
  /** A job arrived and passed the duplicate check. */
  z.object({ t: z.literal('job'), at: At, job: Job }),
  /** Held until `holdUntil` (its window), or running. */
  z.object({ t: z.literal('state'), jobId: JobIdText, at: At, state: z.enum(['held', 'running']), holdUntil: At.optional() }),
  /** Versions installed before any change: the rollback plan. Written before the first apply. */
  z.object({ t: z.literal('rollback-plan'), jobId: JobIdText, at: At, packages: z.array(PreviousVersion) }),
  /** About to run a package manager for this job. */
  z.object({ t: z.literal('apply-start'), jobId: JobIdText, at: At, manager: ManagerName }),
  /** That run returned. */
  z.object({ t: z.literal('apply-done'), jobId: JobIdText, at: At, run: ManagerRun }),
  /** A pre-flight check found a reboot pending and the job reboots first (once), then runs again. */
  z.object({ t: z.literal('safety-reboot'), jobId: JobIdText, at: At }),
  /** About to ask the OS to reboot; `result` is the job's result to report if the reboot happens. */
  z.object({
    t: z.literal('reboot-intent'),
    jobId: JobIdText.nullable(),
    at: At,
    bootId: z.string().max(LIMITS.id),
    result: JobResultPayload.optional(),
  }),
  /** The reboot was not possible; the intent is void. */
  z.object({ t: z.literal('reboot-failed'), at: At, message: z.string().max(LIMITS.message) }),
  /** With the `deadline` reboot policy: reboot at `rebootAt`. */
  z.object({ t: z.literal('reboot-scheduled'), jobId: JobIdText, at: At, rebootAt: At }),
  /** Back from the reboot in boot `bootId`; the check-in was queued. */
  z.object({ t: z.literal('rebooted'), at: At, bootId: z.string().max(LIMITS.id) }),
  /** The job is over; its result frame is queued in the outbox. */
  z.object({ t: z.literal('finished'), jobId: JobIdText, at: At, expiresAt: At, frame: AgentMessage }),
  /** Another frame queued in the outbox (agent.rebooted). */
  z.object({ t: z.literal('outbox'), at: At, frame: AgentMessage }),
  /** The server acked this frame id: it leaves the outbox. */
  z.object({ t: z.literal('acked'), at: At, frameId: z.string().max(LIMITS.id) }),
]);
export type JournalRecord = z.infer<typeof JournalRecord>;

export function parseJournalRecord(value: unknown): JournalRecord | undefined {
  const res = JournalRecord.safeParse(value);
  return res.success ? res.data : undefined;
}
