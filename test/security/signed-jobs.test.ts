import { randomUUID } from 'node:crypto';
import type { Job } from '@patchwave/shared';
import { serverFrame } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSigningKeyStore } from '../../server/src/domain/signing/file-signing-key-store.js';
import { MemorySigningKeyStore } from '../../server/src/domain/signing/signing-key.js';
import { SigningKeyring } from '../../server/src/domain/signing/signing-keyring.js';
import { systemClock } from '../../server/src/domain/clock.js';
import { eventually, listeningServer, type ListeningServer } from './support/security-server.js';
import { startTrustedAgent, type TrustedAgent } from './support/trusted-agent.js';

/**
 * Threats: a forged, unsigned, foreign-key, revoked-key, replayed, expired, not-yet-valid or
 * misdirected job. A real server signs jobs with its Ed25519 keyring and offers them over the real
 * WebSocket to a real agent (trust module, verifier, journal-backed executor). The agent must run
 * none of the bad ones and report each as a security event that the server writes to the audit log.
 */

let s: ListeningServer;
let agent: TrustedAgent;

beforeAll(async () => {
  s = await listeningServer();
  const { secret } = await s.t.app.services.enrollment.createToken({ name: 'jobs', expiresAt: new Date(Date.now() + 3_600_000), maxUses: 1, tags: [] }, 'system');
  agent = await startTrustedAgent({ serverUrl: s.url, enrollToken: secret });
  await eventually('the agent online with its keys pinned', () => s.t.app.agents.isOnline(agent.identity.deviceId) && agent.trust.trusted);
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await s?.close();
});

function job(over: Partial<Job> = {}): Job {
  const now = Date.now();
  return {
    jobId: `job-${randomUUID()}`,
    deviceId: agent.identity.deviceId,
    action: { kind: 'rescan' },
    issuedAt: new Date(now).toISOString(),
    notBefore: new Date(now - 60_000).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
    ...over,
  };
}

function offer(j: Job): void {
  const link = s.t.app.agents.get(agent.identity.deviceId);
  if (!link) throw new Error('agent not connected');
  link.send(serverFrame('job.offer', { job: j }));
}

const resultOf = (jobId: string, nth = 0) => eventually(`job.result of ${jobId}`, () => agent.results().filter((r) => r.jobId === jobId)[nth]);

/** The audit entry the server wrote for the agent's security event about this job. */
const auditedRejection = (jobId: string, code: string) =>
  eventually(`audited job.rejected ${code} for ${jobId}`, async () => {
    const entries = await s.t.app.services.audit.list({ limit: 1000, action: 'job.rejected', target: `job:${jobId}` });
    return entries.find((e) => e.details.code === code);
  });

async function expectRefused(j: Job, code: string, message: RegExp) {
  offer(j);
  const result = await resultOf(j.jobId);
  expect(result).toMatchObject({ status: expect.stringMatching(/^(rejected|expired)$/), errorCode: code });
  expect(result.message).toMatch(message);
  const entry = await auditedRejection(j.jobId, code);
  expect(entry.actor).toBe(`device:${agent.identity.deviceId}`);
  expect(entry.details.message).toMatch(message);
  expect(agent.jobs.store.get(j.jobId)).toBeUndefined();
}

describe('signed jobs: the agent runs only what its server signed for it, now', () => {
  it('runs a job signed by the server key it pinned at enrollment (the control)', async () => {
    expect(agent.trust.trusted).toMatchObject({ pinnedFrom: 'enrollment', pin: null, keys: [{ keyId: s.t.app.signingKeys.currentKeyId, source: 'first-use' }] });
    const good = s.t.app.jobSigner.sign(job());
    expect(good).toMatchObject({ keyId: s.t.app.signingKeys.currentKeyId, signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/) });
    offer(good);
    expect(await resultOf(good.jobId)).toMatchObject({ status: 'succeeded' });
  });

  it('refuses a forged signature: a signed job altered on the way (its id, then its action)', async () => {
    const signed = s.t.app.jobSigner.sign(job({ action: { kind: 'rescan' } }));
    await expectRefused({ ...signed, jobId: `${signed.jobId}-x` }, 'E_JOB_BAD_SIGNATURE', /does not verify/);
    const reboot = s.t.app.jobSigner.sign(job());
    await expectRefused({ ...reboot, action: { kind: 'reboot', reason: 'forged' } }, 'E_JOB_BAD_SIGNATURE', /does not verify/);
  });

  it('refuses an unsigned job', async () => {
    await expectRefused(job(), 'E_JOB_BAD_SIGNATURE', /unsigned/);
  });

  it('refuses a job signed by another server’s key, even one claiming the pinned key id', async () => {
    const foreign = (await SigningKeyring.open(new MemorySigningKeyStore(), systemClock)).keyring;
    await expectRefused(foreign.sign(job()), 'E_JOB_BAD_SIGNATURE', /does not trust/);
    const impostor = { ...foreign.sign(job()), keyId: s.t.app.signingKeys.currentKeyId };
    await expectRefused(impostor, 'E_JOB_BAD_SIGNATURE', /does not verify/);
  });

  it('refuses a job for another device', async () => {
    await expectRefused(s.t.app.jobSigner.sign(job({ deviceId: randomUUID() })), 'E_JOB_WRONG_DEVICE', /is for device/);
  });

  it('refuses an expired job and one not valid yet', async () => {
    const past = Date.now() - 7_200_000;
    await expectRefused(
      s.t.app.jobSigner.sign(job({ issuedAt: new Date(past).toISOString(), notBefore: new Date(past).toISOString(), expiresAt: new Date(past + 60_000).toISOString() })),
      'E_JOB_EXPIRED',
      /expired at/,
    );
    const future = Date.now() + 7_200_000;
    await expectRefused(s.t.app.jobSigner.sign(job({ notBefore: new Date(future).toISOString(), expiresAt: new Date(future + 3_600_000).toISOString() })), 'E_JOB_NOT_YET_VALID', /not valid before/);
  });

  it('refuses a replayed job: the same signed job offered again after it ran', async () => {
    const once = s.t.app.jobSigner.sign(job());
    offer(once);
    expect(await resultOf(once.jobId)).toMatchObject({ status: 'succeeded' });
    // The server acked the result (the job left the outbox): an identical offer is now a replay.
    await eventually('the result acked', () => agent.jobs.store.outbox().every((f) => f.type !== 'job.result' || f.payload.jobId !== once.jobId));
    offer(once);
    expect(await resultOf(once.jobId, 1)).toMatchObject({ status: 'rejected', errorCode: 'E_JOB_REPLAYED' });
    await auditedRejection(once.jobId, 'E_JOB_REPLAYED');
  });

  it('after a rotation runs jobs of the new key (endorsed by the old), and refuses the old key once it is revoked', async () => {
    const oldKeyId = s.t.app.signingKeys.currentKeyId;
    const signedByOld = s.t.app.jobSigner.sign(job());
    const heldByOld = s.t.app.jobSigner.sign(job());
    const admin = s.t.auth();
    const rotated = await s.t.app.inject({ method: 'POST', url: '/api/v1/signing-keys/rotate', headers: admin, payload: { overlap: '1d' } });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newKeyId = s.t.app.signingKeys.currentKeyId;
    expect(newKeyId).not.toBe(oldKeyId);
    await eventually('the agent trusts the endorsed new key', () => agent.trust.trusted?.keys.find((k) => k.keyId === newKeyId && k.source === 'endorsed'));
    // Inside the overlap: both keys are good.
    offer(signedByOld);
    expect(await resultOf(signedByOld.jobId)).toMatchObject({ status: 'succeeded' });
    const signedByNew = s.t.app.jobSigner.sign(job());
    expect(signedByNew.keyId).toBe(newKeyId);
    offer(signedByNew);
    expect(await resultOf(signedByNew.jobId)).toMatchObject({ status: 'succeeded' });
    // Revoked: the agent hears it at once and refuses what the old key signed.
    const revoked = await s.t.app.inject({ method: 'DELETE', url: `/api/v1/signing-keys/${oldKeyId}`, headers: admin });
    expect(revoked.json()).toMatchObject({ keyId: oldKeyId, status: 'revoked' });
    await eventually('the agent knows the old key is revoked', () => agent.trust.trusted?.keys.find((k) => k.keyId === oldKeyId)?.revokedAt);
    await expectRefused(heldByOld, 'E_JOB_BAD_SIGNATURE', /revoked/);
    const audit = await s.t.app.services.audit.list({ limit: 100, action: 'signing-key.revoke' });
    expect(audit[0]).toMatchObject({ target: `signing-key:${oldKeyId}` });
  });

  it('keeps the private key in a 0600 file that other users cannot read', async () => {
    const { stat } = await import('node:fs/promises');
    const file = new FileSigningKeyStore(`${s.t.temp.dir}/keys`).location;
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(`${s.t.temp.dir}/keys`)).mode & 0o777).toBe(0o700);
  });
});
