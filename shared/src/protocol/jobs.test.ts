import { describe, expect, it } from 'vitest';
import { agentFrame, parseAgentFrame, parseServerFrame, serverFrame } from './frames.js';
import type { JobResultPayload } from './jobs.js';
import { Job, jobSigningBytes, jobSigningText, MaintenanceWindow, UpdateSelection } from './jobs.js';

const job: Job = {
  jobId: 'job-1',
  deviceId: 'dev-1',
  action: {
    kind: 'apply',
    packages: [{ manager: 'apt', name: 'openssl', version: '3.0.13-1~deb12u1', arch: 'amd64' }],
    rebootPolicy: { mode: 'if-required' },
  },
  issuedAt: '2026-03-01T10:00:00.000Z',
  notBefore: '2026-03-01T09:55:00.000Z',
  expiresAt: '2026-03-08T10:00:00.000Z',
  window: { cron: '0 2 * * *', durationMinutes: 180, timeZone: 'Europe/Berlin' },
  deadline: '2026-03-07T00:00:00.000Z',
  keyId: 'k1',
};

describe('job.offer', () => {
  it('round-trips through the server frame parser', () => {
    const frame = serverFrame('job.offer', { job }, 'f-1', new Date('2026-03-01T10:00:00Z'));
    const res = parseServerFrame(JSON.stringify(frame));
    expect(res).toEqual({ ok: true, frame });
  });

  it('names the bad field of a malformed job', () => {
    const bad = { ...job, deviceId: '-rf /', action: { kind: 'shell', command: 'rm -rf /' } };
    const frame = { v: 1, id: 'f-2', type: 'job.offer', ts: '2026-03-01T10:00:00Z', payload: { job: bad } };
    const res = parseServerFrame(JSON.stringify(frame));
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.code).toBe('E_BAD_FRAME');
      expect(res.message).toContain('payload.job.deviceId');
      expect(res.message).toContain('payload.job.action.kind');
    }
  });

  it('rejects a job whose expiry is not after notBefore', () => {
    const res = Job.safeParse({ ...job, expiresAt: job.notBefore });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.path).toEqual(['expiresAt']);
  });

  it('rejects an unknown time zone and a non-positive window', () => {
    const tz = MaintenanceWindow.safeParse({ cron: '0 2 * * *', durationMinutes: 60, timeZone: 'Mars/Olympus' });
    expect(tz.error?.issues[0]?.message).toMatch(/not an IANA time zone/);
    const dur = MaintenanceWindow.safeParse({ cron: '0 2 * * *', durationMinutes: 0, timeZone: 'UTC' });
    expect(dur.error?.issues[0]?.message).toBe('durationMinutes must be greater than 0');
  });

  it('takes window durations in whole seconds, not finer', () => {
    expect(MaintenanceWindow.safeParse({ cron: '* * * * *', durationMinutes: 0.5, timeZone: 'UTC' }).success).toBe(true);
    const odd = MaintenanceWindow.safeParse({ cron: '* * * * *', durationMinutes: 0.0001, timeZone: 'UTC' });
    expect(odd.error?.issues[0]?.message).toBe('durationMinutes must be a whole number of seconds (0.5 = 30 s)');
  });

  it('checks CVE ids', () => {
    expect(UpdateSelection.safeParse({ kind: 'advisories', ids: ['CVE-2024-3094', 'DSA-5678-1'] }).success).toBe(true);
    const bad = UpdateSelection.safeParse({ kind: 'advisories', ids: ['CVE-24-1'] });
    expect(bad.error?.issues[0]?.message).toBe('CVE ids look like CVE-2024-3094');
  });
});

describe('jobSigningBytes', () => {
  it('is independent of key order and excludes the signature', () => {
    const reordered = Object.fromEntries(Object.entries(job).reverse());
    const signed = { ...job, signature: 'AAAA' };
    expect(jobSigningText(reordered)).toBe(jobSigningText(job));
    expect(jobSigningText(signed)).toBe(jobSigningText(job));
    expect(jobSigningText(job).startsWith('patchwave-job-v1\n{"action":')).toBe(true);
  });

  it('changes when any signed field changes, including keys a newer server adds', () => {
    const base = jobSigningText(job);
    expect(jobSigningText({ ...job, deviceId: 'dev-2' })).not.toBe(base);
    expect(jobSigningText({ ...job, keyId: 'k2' })).not.toBe(base);
    expect(jobSigningText({ ...job, futureField: 1 })).not.toBe(base);
  });

  it('encodes UTF-8', () => {
    const bytes = jobSigningBytes({ ...job, deploymentId: 'déploiement' });
    expect(new TextDecoder().decode(bytes)).toContain('déploiement');
  });
});

describe('job.result', () => {
  const result: JobResultPayload = {
    jobId: 'job-1',
    deviceId: 'dev-1',
    kind: 'apply',
    status: 'failed',
    errorCode: 'E_PKG_SCRIPT_FAILED',
    message: 'postinst failed',
    startedAt: '2026-03-02T01:00:00.000Z',
    finishedAt: '2026-03-02T01:02:00.000Z',
    exitCode: 100,
    packages: [
      { manager: 'apt', name: 'openssl', arch: 'amd64', requested: null, before: '3.0.11-1', after: '3.0.11-1', ok: false, errorCode: 'E_PKG_SCRIPT_FAILED' },
    ],
    rollbackPlan: [{ manager: 'apt', name: 'openssl', arch: 'amd64', version: '3.0.11-1' }],
    reboot: { required: false, performed: false },
    outputTail: 'dpkg: error processing package openssl (--configure)',
    inventoryHash: 'a'.repeat(64),
  };

  it('is an agent message and keeps every field', () => {
    const frame = agentFrame('job.result', result, 'r-1');
    const res = parseAgentFrame(JSON.stringify(frame));
    expect(res).toEqual({ ok: true, frame });
  });

  it('accepts agent.rebooted, job.accepted and job.progress', () => {
    for (const frame of [
      agentFrame('agent.rebooted', { bootId: 'b-2', jobId: 'job-1', requestedAt: '2026-03-02T01:02:00.000Z' }),
      agentFrame('job.accepted', { jobId: 'job-1', state: 'held', holdUntil: '2026-03-02T01:00:00.000Z' }),
      agentFrame('job.progress', { jobId: 'job-1', phase: 'applying', manager: 'apt' }),
    ]) {
      expect(parseAgentFrame(JSON.stringify(frame)).ok).toBe(true);
    }
  });

  it('refuses a status that does not exist', () => {
    const frame = { ...agentFrame('job.result', result, 'r-2'), payload: { ...result, status: 'maybe' } };
    const res = parseAgentFrame(JSON.stringify(frame));
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.message).toContain('payload.status');
  });
});
