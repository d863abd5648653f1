import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { LIMITS } from '../limits.js';
import { ManagerName } from '../domain/manager.js';
import { canonicalJson } from '../domain/inventory.js';
import { envelope } from './envelope.js';
import { JobSafety, PackageHold, SafetyReport } from './safety.js';

/**
 * Jobs: the only things a server can ask an agent to do. Typed actions, bound to one device, valid
 * between `notBefore` and `expiresAt`, optionally held until a maintenance window, and signed (the
 * signature fields are optional until the trust issue makes them mandatory).
 */

const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
const idOf = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(LIMITS.id)
    .regex(ID_PATTERN, `${what} may contain only letters, digits and . _ : -`);

export const JobId = idOf('job id');
export const DeviceId = idOf('device id');
const Timestamp = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2026-03-29T01:00:00Z' });
const PackageName = z.string().min(1).max(LIMITS.packageName);
const Version = z.string().min(1).max(LIMITS.version);
const Arch = z.string().max(LIMITS.arch);
const Hash = z.string().regex(/^[a-f0-9]{64}$/, 'expected a lowercase hex SHA-256');

/** An IANA time zone the runtime knows (`Europe/Berlin`, `America/New_York`, `UTC`). */
export function isValidTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z
  .string()
  .max(64)
  .refine(isValidTimeZone, { message: 'is not an IANA time zone (examples: "UTC", "Europe/Berlin", "America/New_York")' });

/**
 * A recurring maintenance window: opens at each occurrence of `cron` in `timeZone` and stays open
 * for `durationMinutes` of elapsed time (a window that spans a DST change is as long as it says).
 * Cron syntax is checked where a cron library is at hand (server domain, agent), not here.
 */
export const MaintenanceWindow = z.object({
  cron: z.string().trim().min(1, 'cron expression must not be empty').max(LIMITS.shortText),
  durationMinutes: z
    .number()
    .gt(0, 'durationMinutes must be greater than 0')
    .max(7 * 24 * 60, 'durationMinutes must be at most 10080 (7 days)')
    // Whole seconds: 0.5 is a 30-second window (short windows are for tests and demos).
    .refine((m) => Math.abs(m * 60 - Math.round(m * 60)) < 1e-9, { message: 'durationMinutes must be a whole number of seconds (0.5 = 30 s)' }),
  timeZone: TimeZone,
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

/** When a reboot may happen after installing. `deadline`: if one is required, within N minutes. */
export const RebootPolicy = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('never') }),
  z.object({ mode: z.literal('if-required') }),
  z.object({ mode: z.literal('always') }),
  z.object({
    mode: z.literal('deadline'),
    withinMinutes: z.number().int().gt(0, 'withinMinutes must be greater than 0').max(30 * 24 * 60),
  }),
]);
export type RebootPolicy = z.infer<typeof RebootPolicy>;

const CVE = /^CVE-\d{4}-\d{4,}$/;
/** An advisory or CVE id: `CVE-2024-3094`, `DSA-5678-1`, `RHSA-2024:1234`, `KB5034441`, `GHSA-…`. */
export const AdvisoryId = z
  .string()
  .min(2)
  .max(LIMITS.id)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]+$/, 'advisory ids contain only letters, digits and . _ : -')
  .refine((id) => !/^cve-/i.test(id) || CVE.test(id), { message: 'CVE ids look like CVE-2024-3094' });

/** Which updates: security ones, all, named packages (at a version or the newest), or those fixing advisories. */
export const UpdateSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('security') }),
  z.object({ kind: z.literal('all') }),
  z.object({
    kind: z.literal('packages'),
    packages: z
      .array(
        z.object({
          name: PackageName,
          /** null: the newest candidate. */
          version: Version.nullable(),
          manager: ManagerName.optional(),
          arch: Arch.optional(),
        }),
      )
      .min(1, 'name at least one package')
      .max(LIMITS.smallList),
  }),
  z.object({ kind: z.literal('advisories'), ids: z.array(AdvisoryId).min(1, 'name at least one advisory or CVE').max(LIMITS.smallList) }),
]);
export type UpdateSelection = z.infer<typeof UpdateSelection>;

export const JobPackage = z.object({
  manager: ManagerName,
  name: PackageName,
  /** null: the newest candidate the tool offers. */
  version: Version.nullable(),
  arch: Arch.optional(),
});
export type JobPackage = z.infer<typeof JobPackage>;

/** A version to restore; null means the package was not installed before and is removed. */
export const PreviousVersion = z.object({
  manager: ManagerName,
  name: PackageName,
  arch: Arch,
  version: Version.nullable(),
});
export type PreviousVersion = z.infer<typeof PreviousVersion>;

export const JobAction = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('apply'),
    packages: z.array(JobPackage).min(1).max(LIMITS.smallList),
    rebootPolicy: RebootPolicy,
    /** Probes, pre-flight checks and holds the agent enforces around this change (absent: none). */
    safety: JobSafety.optional(),
  }),
  z.object({
    kind: z.literal('rollback'),
    packages: z.array(PreviousVersion).min(1).max(LIMITS.smallList),
    rebootPolicy: RebootPolicy,
    /** The apply job whose changes this undoes. */
    of: JobId.optional(),
  }),
  z.object({ kind: z.literal('rescan') }),
  z.object({ kind: z.literal('reboot'), reason: z.string().max(LIMITS.shortText).optional() }),
  z.object({
    kind: z.literal('plan'),
    selection: UpdateSelection,
    /** Packages the plan must leave out (the group's holds); the agent also honours the tool's own holds. */
    holds: z.array(PackageHold).max(LIMITS.smallList).optional(),
  }),
]);
export type JobAction = z.infer<typeof JobAction>;
export type JobKind = JobAction['kind'];

/**
 * The signed job envelope. No defaults on purpose: the bytes signed by the server and the bytes
 * verified by the agent are the canonical JSON of exactly the fields sent.
 */
export const Job = z
  .object({
    jobId: JobId,
    deviceId: DeviceId,
    deploymentId: z.string().max(LIMITS.id).optional(),
    action: JobAction,
    issuedAt: Timestamp,
    notBefore: Timestamp,
    expiresAt: Timestamp,
    /** Start only inside this window (checked on the agent too). */
    window: MaintenanceWindow.optional(),
    /** Do not start after this instant, window or not. */
    deadline: Timestamp.optional(),
    /** Upper bound for one package-manager run. */
    timeoutMinutes: z.number().int().min(1).max(24 * 60).optional(),
    /** Id of the server key that signed the job (Ed25519). */
    keyId: z.string().min(1).max(LIMITS.id).optional(),
    /** base64url Ed25519 signature over `jobSigningBytes(job)`. */
    signature: z
      .string()
      .max(256)
      .regex(/^[A-Za-z0-9_-]+$/, 'signature must be base64url')
      .optional(),
  })
  .refine((j) => Date.parse(j.expiresAt) > Date.parse(j.notBefore), {
    message: 'expiresAt must be later than notBefore',
    path: ['expiresAt'],
  });
export type Job = z.infer<typeof Job>;

/** Prefix that binds a signature to this use, so no other signed patchwave blob passes as a job. */
export const JOB_SIGNING_CONTEXT = 'patchwave-job-v1\n';

/**
 * The exact text a job signature covers: a context line, then the canonical JSON (sorted keys) of
 * the job without its `signature`. Pass the job as received (before schema stripping) so that keys
 * a newer server signed are covered too.
 */
export function jobSigningText(job: Readonly<Record<string, unknown>>): string {
  const { signature: _signature, ...signed } = job;
  return JOB_SIGNING_CONTEXT + canonicalJson(signed);
}

/** UTF-8 bytes of `jobSigningText`, what Ed25519 signs and verifies. */
export function jobSigningBytes(job: Readonly<Record<string, unknown>>): Uint8Array {
  return new TextEncoder().encode(jobSigningText(job));
}

/**
 * `rejected`: refused before running (wrong device, bad signature, replay, not yet valid);
 * `expired`: its expiry or deadline passed before it could start; `cancelled`: the server withdrew it
 * (`job.cancel`) before it started.
 */
export const JOB_RESULT_STATUSES = ['succeeded', 'failed', 'interrupted', 'rejected', 'expired', 'cancelled'] as const;
export const JobResultStatus = z.enum(JOB_RESULT_STATUSES);
export type JobResultStatus = z.infer<typeof JobResultStatus>;

export const PackageResult = z.object({
  manager: ManagerName,
  name: PackageName,
  arch: Arch,
  requested: Version.nullable(),
  before: Version.nullable(),
  after: Version.nullable(),
  ok: z.boolean(),
  errorCode: z.enum(ERROR_CODES).optional(),
  message: z.string().max(LIMITS.message).optional(),
});
export type PackageResult = z.infer<typeof PackageResult>;

export const PlannedChangeKind = z.enum(['install', 'upgrade', 'downgrade', 'remove', 'reinstall']);

/** One manager's dry run, as the adapter's `plan` produced it. */
export const ManagerPlan = z.object({
  manager: ManagerName,
  changes: z
    .array(z.object({ kind: PlannedChangeKind, name: PackageName, arch: Arch, from: Version.nullable(), to: Version.nullable() }))
    .max(LIMITS.listItems),
  unresolved: z
    .array(z.object({ name: z.string().max(LIMITS.packageName), code: z.enum(ERROR_CODES), message: z.string().max(LIMITS.message) }))
    .max(LIMITS.smallList),
  notes: z.array(z.string().max(LIMITS.message)).max(100),
});
export type ManagerPlan = z.infer<typeof ManagerPlan>;

export const JobResultPayload = z.object({
  jobId: JobId,
  deviceId: DeviceId,
  kind: z.enum(['apply', 'rollback', 'rescan', 'reboot', 'plan']),
  status: JobResultStatus,
  errorCode: z.enum(ERROR_CODES).optional(),
  message: z.string().max(LIMITS.message).optional(),
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp,
  /** Exit code of the last package-manager run, null when none ran or it was killed. */
  exitCode: z.number().int().nullable(),
  packages: z.array(PackageResult).max(LIMITS.listItems),
  /** Versions installed before applying: what a rollback restores. */
  rollbackPlan: z.array(PreviousVersion).max(LIMITS.listItems).optional(),
  /** Dry-run results of a `plan` job. */
  plans: z.array(ManagerPlan).max(32).optional(),
  /** Pre-flight checks, health probes before/after and an automatic rollback, when the job asked for them. */
  safety: SafetyReport.optional(),
  reboot: z.object({
    required: z.boolean(),
    /** The agent asked the OS to reboot (confirmed later by `agent.rebooted`). */
    performed: z.boolean(),
    /** With the `deadline` policy: when the agent will reboot. */
    scheduledAt: Timestamp.optional(),
  }),
  outputTail: z.string().max(LIMITS.outputTail),
  /** Hash of the inventory collected after the job (the evidence the server closes findings on). */
  inventoryHash: Hash.nullable(),
});
export type JobResultPayload = z.infer<typeof JobResultPayload>;

export const JOB_PHASES = ['held', 'preparing', 'applying', 'verifying', 'rebooting'] as const;

/** Server → agent: run this job. */
export const JobOffer = envelope('job.offer', z.object({ job: Job }));
/** Server → agent: withdraw a job that has not started (deployment aborted or paused); a running job finishes. */
export const JobCancel = envelope('job.cancel', z.object({ jobId: JobId, reason: z.string().max(LIMITS.shortText) }));
/** Agent → server: the job passed its checks; it runs now or is held until `holdUntil`. */
export const JobAccepted = envelope(
  'job.accepted',
  z.object({ jobId: JobId, state: z.enum(['running', 'held']), holdUntil: Timestamp.optional() }),
);
/** Agent → server: best-effort progress; results never depend on it. */
export const JobProgress = envelope(
  'job.progress',
  z.object({
    jobId: JobId,
    phase: z.enum(JOB_PHASES),
    manager: ManagerName.optional(),
    message: z.string().max(LIMITS.message).optional(),
  }),
);
/** Agent → server: the outcome, repeated from the agent's outbox until the server `ack`s its frame id. */
export const JobResult = envelope('job.result', JobResultPayload);
/** Agent → server: first check-in after a reboot the agent asked for (the health gate waits for it). */
export const AgentRebooted = envelope(
  'agent.rebooted',
  z.object({
    /** Identifies the boot (Linux boot_id, or the boot time elsewhere). */
    bootId: z.string().min(1).max(LIMITS.id),
    bootedAt: Timestamp.optional(),
    /** The job whose reboot this was; absent for a reboot the agent did not ask for. */
    jobId: JobId.optional(),
    requestedAt: Timestamp.optional(),
  }),
);

export type JobOffer = z.infer<typeof JobOffer>;
export type JobCancel = z.infer<typeof JobCancel>;
export type JobAccepted = z.infer<typeof JobAccepted>;
export type JobProgress = z.infer<typeof JobProgress>;
export type JobResult = z.infer<typeof JobResult>;
export type AgentRebooted = z.infer<typeof AgentRebooted>;

/** Capability an agent lists in its hello when it executes jobs; servers offer jobs only to such agents. */
export const JOBS_CAPABILITY = 'jobs';
