import type { Job } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { admit, type JobVerifier } from './admission.js';
import { cronOccurrences } from './cron.js';

const job: Job = {
  jobId: 'j-1',
  deviceId: 'dev-1',
  action: { kind: 'rescan' },
  issuedAt: '2026-03-02T00:00:00.000Z',
  notBefore: '2026-03-02T00:00:00.000Z',
  expiresAt: '2026-03-09T00:00:00.000Z',
};
const ctx = (now: string, extra: object = {}) => ({ deviceId: 'dev-1', now: new Date(now), cron: cronOccurrences, ...extra });

describe('admit', () => {
  it('runs a valid job without a window at once', () => {
    expect(admit(job, ctx('2026-03-02T01:00:00Z'))).toEqual({ kind: 'run' });
  });

  it('refuses a job for another device', () => {
    expect(admit({ ...job, deviceId: 'dev-2' }, ctx('2026-03-02T01:00:00Z'))).toMatchObject({ kind: 'refuse', status: 'rejected', code: 'E_JOB_WRONG_DEVICE' });
  });

  it('tolerates 5 minutes of clock skew before notBefore, and no more', () => {
    expect(admit(job, ctx('2026-03-01T23:56:00Z'))).toEqual({ kind: 'run' });
    expect(admit(job, ctx('2026-03-01T23:54:00Z'))).toMatchObject({ kind: 'refuse', status: 'rejected', code: 'E_JOB_NOT_YET_VALID' });
    expect(admit(job, ctx('2026-03-01T23:59:00Z', { skewMs: 0 }))).toMatchObject({ code: 'E_JOB_NOT_YET_VALID' });
  });

  it('refuses an expired job, at the expiry instant included', () => {
    expect(admit(job, ctx('2026-03-09T00:00:00Z'))).toMatchObject({ kind: 'refuse', status: 'expired', code: 'E_JOB_EXPIRED' });
  });

  it('holds a job until its window and refuses it when no window opens before the deadline', () => {
    const windowed = { ...job, window: { cron: '0 2 * * *', durationMinutes: 60, timeZone: 'Europe/Berlin' } };
    expect(admit(windowed, ctx('2026-03-02T09:00:00Z'))).toMatchObject({ kind: 'hold', until: new Date('2026-03-03T01:00:00Z') });
    expect(admit(windowed, ctx('2026-03-03T01:30:00Z'))).toEqual({ kind: 'run' });
    expect(admit({ ...windowed, deadline: '2026-03-03T00:00:00Z' }, ctx('2026-03-02T09:00:00Z'))).toMatchObject({
      kind: 'refuse',
      status: 'expired',
      code: 'E_JOB_OUTSIDE_WINDOW',
      message: expect.stringContaining('after the deadline 2026-03-03T00:00:00.000Z'),
    });
    expect(admit({ ...windowed, deadline: '2026-03-02T08:00:00Z' }, ctx('2026-03-02T09:00:00Z'))).toMatchObject({ code: 'E_JOB_EXPIRED' });
  });

  it('checks the signature over the job as received', () => {
    const seen: string[] = [];
    const verifier: JobVerifier = {
      verify: (_job, bytes) => {
        seen.push(new TextDecoder().decode(bytes));
        return { ok: false, message: 'signed by an unknown key' };
      },
    };
    const raw = { ...job, keyId: 'k9', signature: 'AAAA', addedByNewerServer: 1 };
    expect(admit(job, ctx('2026-03-02T01:00:00Z', { verifier, raw }))).toMatchObject({ kind: 'refuse', status: 'rejected', code: 'E_JOB_BAD_SIGNATURE', message: 'signed by an unknown key' });
    expect(seen[0]).toContain('"addedByNewerServer":1');
    expect(seen[0]).not.toContain('AAAA');
  });
});
