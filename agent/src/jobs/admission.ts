import { jobSigningBytes, startDecision, type CronSource, type ErrorCode, type Job } from '@patchwave/shared';

/** Checks a job's signature (the trust issue supplies the Ed25519 implementation). */
export interface JobVerifier {
  /** `signedBytes` is `jobSigningBytes` of the job as received (before schema stripping). */
  verify(job: Job, signedBytes: Uint8Array): { ok: true } | { ok: false; message: string };
}

export type Admission =
  | { kind: 'run' }
  | { kind: 'hold'; until: Date; reason: string }
  | { kind: 'refuse'; status: 'rejected' | 'expired'; code: ErrorCode; message: string };

export interface AdmissionContext {
  deviceId: string;
  now: Date;
  /** Tolerated clock difference with the server for notBefore (default 5 minutes). */
  skewMs?: number;
  verifier?: JobVerifier;
  /** The job as received, when the caller has it; the signature covers exactly these keys. */
  raw?: Readonly<Record<string, unknown>>;
  cron: CronSource;
}

/**
 * Whether a job may run now, must wait for its window, or is refused — in this order: bound to
 * another device, bad signature, not yet valid, expired, past its deadline or with no window left
 * before it. Pure apart from the verifier.
 */
export function admit(job: Job, ctx: AdmissionContext): Admission {
  if (job.deviceId !== ctx.deviceId) {
    return { kind: 'refuse', status: 'rejected', code: 'E_JOB_WRONG_DEVICE', message: `job is for device ${job.deviceId}, this is ${ctx.deviceId}` };
  }
  if (ctx.verifier) {
    const v = ctx.verifier.verify(job, jobSigningBytes(ctx.raw ?? job));
    if (!v.ok) return { kind: 'refuse', status: 'rejected', code: 'E_JOB_BAD_SIGNATURE', message: v.message };
  }
  const now = ctx.now;
  const skew = ctx.skewMs ?? 5 * 60_000;
  if (now.getTime() + skew < Date.parse(job.notBefore)) {
    return { kind: 'refuse', status: 'rejected', code: 'E_JOB_NOT_YET_VALID', message: `job is not valid before ${job.notBefore} (agent time ${now.toISOString()})` };
  }
  const expiresAt = new Date(job.expiresAt);
  if (now >= expiresAt) {
    return { kind: 'refuse', status: 'expired', code: 'E_JOB_EXPIRED', message: `job expired at ${job.expiresAt} (agent time ${now.toISOString()})` };
  }
  const deadline = job.deadline && Date.parse(job.deadline) < expiresAt.getTime() ? new Date(job.deadline) : expiresAt;
  const decision = startDecision({ windows: job.window ? [job.window] : [], deadline }, now, ctx.cron);
  switch (decision.kind) {
    case 'now':
      return { kind: 'run' };
    case 'wait':
      return { kind: 'hold', until: decision.until, reason: decision.reason };
    case 'missed':
      return {
        kind: 'refuse',
        status: 'expired',
        code: job.window && now < deadline ? 'E_JOB_OUTSIDE_WINDOW' : 'E_JOB_EXPIRED',
        message: `job cannot start: ${decision.reason}`,
      };
  }
}
