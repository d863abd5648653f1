import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { Job, ServerKey, ServerKeyring } from '@patchwave/shared';
import { jobSigningBytes, keyEndorsementText } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { Ed25519JobVerifier } from './ed25519-job-verifier.js';
import { applyKeyring, initialTrust } from './key-trust.js';

/** A server key as the server announces it, with its private key to sign with. */
function serverKey(id: string, createdAt = '2026-01-01T00:00:00.000Z') {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x as string;
  const key: ServerKey = {
    keyId: id,
    algorithm: 'ed25519',
    publicKey: raw,
    fingerprint: createHash('sha256').update(Buffer.from(raw, 'base64url')).digest('hex'),
    createdAt,
    notAfter: null,
  };
  return {
    key,
    signJob: (job: Job): Job => {
      const withKey = { ...job, keyId: id };
      return { ...withKey, signature: sign(null, jobSigningBytes(withKey), privateKey).toString('base64url') };
    },
    endorse: (other: ServerKey): ServerKey => ({ ...other, endorsement: { by: id, signature: sign(null, Buffer.from(keyEndorsementText(other)), privateKey).toString('base64url') } }),
  };
}

const now = new Date('2026-02-01T00:00:00Z');
const ring = (keys: ServerKey[], revoked: string[] = []): ServerKeyring => ({ keys, revoked });

describe('initialTrust', () => {
  it('trusts on first use every announced key, recorded as such', () => {
    const a = serverKey('k-a');
    const out = initialTrust(ring([a.key]), null, 'enrollment', now);
    expect(out?.state).toMatchObject({ pin: null, pinnedFrom: 'enrollment', keys: [{ keyId: 'k-a', source: 'first-use' }] });
  });

  it('with a pin trusts only the pinned key and what it endorses, and nothing when the pinned key is absent', () => {
    const a = serverKey('k-a');
    const b = serverKey('k-b');
    const stranger = serverKey('k-x');
    const out = initialTrust(ring([a.endorse(b.key), a.key, stranger.key]), a.key.fingerprint, 'config', now);
    expect(out?.state.keys.map((k) => [k.keyId, k.source]).sort()).toEqual([
      ['k-a', 'pinned'],
      ['k-b', 'endorsed'],
    ]);
    expect(out?.rejected).toEqual([{ keyId: 'k-x', reason: 'not endorsed by a key this agent trusts' }]);
    expect(initialTrust(ring([stranger.key]), a.key.fingerprint, 'config', now)).toBeNull();
  });

  it('never trusts a key whose fingerprint is not the hash of its public key', () => {
    const a = serverKey('k-a');
    const liar = { ...serverKey('k-l').key, fingerprint: a.key.fingerprint };
    expect(initialTrust(ring([liar]), a.key.fingerprint, 'config', now)).toBeNull();
  });
});

describe('applyKeyring', () => {
  it('follows a chain of rotations an offline agent missed, and refuses a forged endorsement', () => {
    const a = serverKey('k-a');
    const b = serverKey('k-b');
    const c = serverKey('k-c');
    const start = initialTrust(ring([a.key]), null, 'enrollment', now)?.state;
    if (!start) throw new Error('no trust');
    const chain = applyKeyring(start, ring([b.endorse(c.key), a.endorse(b.key), a.key]), now);
    expect(chain.added.sort()).toEqual(['k-b', 'k-c']);
    const mallory = serverKey('k-m');
    const forged: ServerKey = { ...mallory.key, endorsement: { by: 'k-a', signature: (a.endorse(serverKey('k-z').key).endorsement as { signature: string }).signature } };
    const out = applyKeyring(chain.state, ring([forged]), now);
    expect(out.added).toEqual([]);
    expect(out.rejected).toEqual([{ keyId: 'k-m', reason: 'its endorsement by k-a does not verify' }]);
  });

  it('takes revocations and earlier notAfter as given, never a later notAfter or a swapped key', () => {
    const a = serverKey('k-a');
    const start = initialTrust(ring([{ ...a.key, notAfter: '2026-03-01T00:00:00.000Z' }]), null, 'enrollment', now)?.state;
    if (!start) throw new Error('no trust');
    expect(applyKeyring(start, ring([{ ...a.key, notAfter: null }]), now).state.keys[0]?.notAfter).toBe('2026-03-01T00:00:00.000Z');
    expect(applyKeyring(start, ring([{ ...a.key, notAfter: '2026-02-15T00:00:00.000Z' }]), now).state.keys[0]?.notAfter).toBe('2026-02-15T00:00:00.000Z');
    const swapped = applyKeyring(start, ring([{ ...serverKey('k-a').key }]), now);
    expect(swapped.state.keys[0]?.publicKey).toBe(a.key.publicKey);
    expect(swapped.rejected[0]?.reason).toMatch(/another public key/);
    expect(applyKeyring(start, ring([a.key], ['k-a']), now).state.keys[0]?.revokedAt).toBe(now.toISOString());
  });
});

describe('Ed25519JobVerifier', () => {
  const job: Job = { jobId: 'j', deviceId: 'd', action: { kind: 'rescan' }, issuedAt: '2026-02-01T00:00:00Z', notBefore: '2026-02-01T00:00:00Z', expiresAt: '2026-02-02T00:00:00Z' };

  it('accepts a trusted key and refuses unsigned, unknown-key, revoked, retired and tampered jobs with a reason', () => {
    const a = serverKey('k-a');
    const other = serverKey('k-o');
    let state = initialTrust(ring([{ ...a.key, notAfter: '2026-03-01T00:00:00.000Z' }]), null, 'enrollment', now)?.state ?? null;
    let clock = now;
    const verifier = new Ed25519JobVerifier(() => state, () => clock);
    const check = (j: Job) => verifier.verify(j, jobSigningBytes(j));
    expect(check(a.signJob(job))).toEqual({ ok: true });
    expect(check(job)).toMatchObject({ ok: false, message: expect.stringContaining('unsigned') });
    expect(check(other.signJob(job))).toMatchObject({ ok: false, message: expect.stringContaining('does not trust') });
    expect(check({ ...a.signJob(job), deviceId: 'd2' })).toMatchObject({ ok: false, message: expect.stringContaining('does not verify') });
    clock = new Date('2026-03-01T00:00:00Z');
    expect(check(a.signJob(job))).toMatchObject({ ok: false, message: expect.stringContaining('retired') });
    clock = now;
    state = state ? applyKeyring(state, ring([a.key], ['k-a']), now).state : null;
    expect(check(a.signJob(job))).toMatchObject({ ok: false, message: expect.stringContaining('revoked') });
    state = null;
    expect(check(a.signJob(job))).toMatchObject({ ok: false, message: expect.stringContaining('not pinned a server key') });
  });
});
