import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { LIMITS } from '../limits.js';
import { ManagerName } from '../domain/manager.js';

/**
 * Safe patching: what a device checks before and after applying a job, and what it must never
 * touch. Configured per device group on the server, carried inside the signed apply job, and
 * enforced by the agent itself. Probes are typed (no shell, no arbitrary command): a service is
 * running, a TCP port accepts connections, an HTTP(S) URL answers with an expected status, a
 * process is present.
 */

const ProbeName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'probe names are 1-64 characters: letters, digits and . _ -');

/** systemd unit, launchd label or Windows service name: no spaces, no shell metacharacters. */
const ServiceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/, 'service names are 1-128 characters: letters, digits and . _ @ : -');

const Port = z
  .number({ error: 'port must be a number between 1 and 65535' })
  .int('port must be a whole number')
  .min(1, { error: (iss) => `port must be between 1 and 65535 (got ${String(iss.input)})` })
  .max(65535, { error: (iss) => `port must be between 1 and 65535 (got ${String(iss.input)})` });

const Host = z
  .string()
  .min(1, 'host must not be empty')
  .max(LIMITS.hostname)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'host must be a host name or an IP address');

const HttpUrl = z
  .string()
  .max(2048)
  .refine(
    (u) => {
      try {
        const url = new URL(u);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    },
    { message: 'url must be an absolute http:// or https:// URL without credentials, e.g. http://127.0.0.1:8080/health' },
  );

const TimeoutMs = z.number().int().min(100, 'timeoutMs must be at least 100').max(120_000, 'timeoutMs must be at most 120000').default(5_000);

export const HealthProbe = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('service'), name: ProbeName, service: ServiceName, timeoutMs: TimeoutMs }),
  z.object({ kind: z.literal('tcp'), name: ProbeName, host: Host.default('127.0.0.1'), port: Port, timeoutMs: TimeoutMs }),
  z.object({
    kind: z.literal('http'),
    name: ProbeName,
    url: HttpUrl,
    /** Status codes that count as healthy; default any 2xx. */
    expectStatus: z.array(z.number().int().min(100).max(599)).min(1).max(20).optional(),
    timeoutMs: TimeoutMs,
  }),
  z.object({
    kind: z.literal('process'),
    name: ProbeName,
    /** Executable name as the OS lists it (`nginx`, `sshd`, `MsMpEng.exe`). */
    process: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/, 'process names are 1-128 characters: letters, digits and . _ + -'),
    timeoutMs: TimeoutMs,
  }),
]);
export type HealthProbe = z.infer<typeof HealthProbe>;
export type HealthProbeInput = z.input<typeof HealthProbe>;

/** A package never to touch (`versionRange` absent) or allowed only inside a version range. */
export const PackageHold = z.object({
  name: z.string().min(1).max(LIMITS.packageName).regex(/^[A-Za-z0-9][A-Za-z0-9._+:@~-]*$/, 'package names contain only letters, digits and . _ + : @ ~ -'),
  manager: ManagerName.optional(),
  /** e.g. `<2.0`, `>=1.4 <1.5`: space-separated comparisons, all must hold. Absent: never change it. */
  versionRange: z
    .string()
    .trim()
    .max(LIMITS.shortText)
    .regex(/^(?:(?:<=|>=|<|>|=)[^\s<>=]+)(?:\s+(?:<=|>=|<|>|=)[^\s<>=]+)*$/, 'versionRange is comparisons like ">=1.4 <2.0"')
    .optional(),
  reason: z.string().trim().max(LIMITS.shortText).optional(),
});
export type PackageHold = z.infer<typeof PackageHold>;

/** What `pending reboot from an earlier change` does to a job: reboot first, skip the device, or go on. */
export const PendingRebootRule = z.enum(['reboot-first', 'skip', 'ignore']);

export const PreflightChecks = z.object({
  /** Free space required on the file systems the package manager writes (MiB). */
  minFreeDiskMb: z.number().int().min(0, 'minFreeDiskMb must be 0 or more').max(10_000_000).default(500),
  /** Wait for (then fail on) a held package-manager lock. */
  requireLockFree: z.boolean().default(true),
  /** Laptops: only on AC power (where the OS tells). */
  requireAcPower: z.boolean().default(false),
  pendingReboot: PendingRebootRule.default('ignore'),
});
export type PreflightChecks = z.infer<typeof PreflightChecks>;

/** Carried in an apply job: what the agent checks and enforces around this change. */
export const JobSafety = z.object({
  probes: z.array(HealthProbe).max(32).default([]),
  preflight: PreflightChecks.optional(),
  holds: z.array(PackageHold).max(LIMITS.smallList).default([]),
  /** A probe that passed before and fails after applying rolls this device back at once. */
  rollbackOnHealthFailure: z.boolean().default(false),
  /**
   * After applying, a probe that passed before and fails now is retried (every second) for up to
   * this long before it counts as broken: a service restarted by its package may need a moment.
   * Absent: no retry.
   */
  settleMs: z.number().int().min(0, 'settleMs must be 0 or more').max(600_000, 'settleMs must be at most 600000 (10 min)').optional(),
});
export type JobSafety = z.infer<typeof JobSafety>;

export const ProbeOutcome = z.object({
  name: ProbeName,
  kind: z.enum(['service', 'tcp', 'http', 'process']),
  ok: z.boolean(),
  /** What was seen: `active`, `HTTP 500`, `ECONNREFUSED`, `timed out after 5000 ms`. */
  detail: z.string().max(LIMITS.shortText),
  ms: z.number().min(0),
});
export type ProbeOutcome = z.infer<typeof ProbeOutcome>;

export const PreflightOutcome = z.object({
  check: z.enum(['disk', 'lock', 'power', 'pending-reboot']),
  ok: z.boolean(),
  detail: z.string().max(LIMITS.shortText),
});
export type PreflightOutcome = z.infer<typeof PreflightOutcome>;

/** What the agent reports about safety with an apply result. */
export const SafetyReport = z.object({
  preflight: z.array(PreflightOutcome).max(16),
  before: z.array(ProbeOutcome).max(32),
  /** After applying (and after the reboot, if there was one). */
  after: z.array(ProbeOutcome).max(32),
  /** Probes that passed before and failed after. */
  broken: z.array(ProbeName).max(32),
  autoRollback: z
    .object({
      status: z.enum(['succeeded', 'failed', 'unsupported']),
      errorCode: z.enum(ERROR_CODES).optional(),
      message: z.string().max(LIMITS.message).optional(),
      /** Probes after the rollback. */
      after: z.array(ProbeOutcome).max(32),
    })
    .optional(),
});
export type SafetyReport = z.infer<typeof SafetyReport>;

/**
 * Capability an agent lists in its hello when it runs the `safety` block of apply jobs (probes,
 * pre-flight, holds, automatic rollback). An agent without it would ignore the block, so the
 * server gives such a device no apply job that carries safety settings.
 */
export const SAFETY_CAPABILITY = 'jobs.safety';
