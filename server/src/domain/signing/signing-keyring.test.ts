import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@patchwave/shared';
import { jobSigningBytes, keyEndorsementText } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { keyFingerprint, publicKeyObject, verifyText } from './ed25519.js';
import { FileSigningKeyStore } from './file-signing-key-store.js';
import { SigningKeyring } from './signing-keyring.js';

const job: Job = {
  jobId: 'j-1',
  deviceId: 'd-1',
  action: { kind: 'rescan' },
  issuedAt: '2026-01-01T00:00:00.000Z',
  notBefore: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-02T00:00:00.000Z',
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SigningKeyring', () => {
  it('creates a key at first start in a 0600 file, and loads the same key later', async () => {
    const clock = new ManualClock();
    const first = await SigningKeyring.open(new FileSigningKeyStore(dir), clock);
    expect(first.created).toBe(true);
    expect(statSync(join(dir, 'signing-keys.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const again = await SigningKeyring.open(new FileSigningKeyStore(dir), clock);
    expect(again.created).toBe(false);
    expect(again.keyring.currentKeyId).toBe(first.keyring.currentKeyId);
    expect(again.keyring.currentFingerprint).toMatch(/^[a-f0-9]{64}$/);
  });

  it('refuses a key file that others can read', async () => {
    await SigningKeyring.open(new FileSigningKeyStore(dir), new ManualClock());
    chmodSync(join(dir, 'signing-keys.json'), 0o644);
    await expect(SigningKeyring.open(new FileSigningKeyStore(dir), new ManualClock())).rejects.toThrow(/readable by others/);
    writeFileSync(join(dir, 'signing-keys.json'), '{}', { mode: 0o600 });
    chmodSync(join(dir, 'signing-keys.json'), 0o600);
    await expect(SigningKeyring.open(new FileSigningKeyStore(dir), new ManualClock())).rejects.toThrow(/not a patchwave keyring/);
  });

  it('signs the job with its key id inside the signed bytes', async () => {
    const { keyring } = await SigningKeyring.open(new FileSigningKeyStore(dir), new ManualClock());
    const signed = keyring.sign(job);
    expect(signed.keyId).toBe(keyring.currentKeyId);
    const key = keyring.announcement().keys[0];
    expect(verifyText(publicKeyObject(key?.publicKey as string), jobSigningBytes(signed), signed.signature as string)).toBe(true);
    expect(verifyText(publicKeyObject(key?.publicKey as string), jobSigningBytes({ ...signed, keyId: 'k-other' }), signed.signature as string)).toBe(false);
    expect(keyring.sign(signed).signature).toBe(signed.signature); // re-signing replaces, never nests
  });

  it('rotates with an overlap: the new key is endorsed by the old, the old stays announced until its notAfter, then retires', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const { keyring } = await SigningKeyring.open(new FileSigningKeyStore(dir), clock);
    const oldId = keyring.currentKeyId;
    const { previous, current } = await keyring.rotate(2 * 86_400_000);
    expect(previous).toMatchObject({ keyId: oldId, status: 'retiring', notAfter: new Date('2026-03-03T00:00:00Z') });
    expect(current).toMatchObject({ status: 'current', endorsedBy: oldId });
    const ring = keyring.announcement();
    const [newKey, oldKey] = ring.keys;
    expect(newKey?.keyId).toBe(current.keyId);
    expect(verifyText(publicKeyObject(oldKey?.publicKey as string), keyEndorsementText(newKey as never), newKey?.endorsement?.signature as string)).toBe(true);
    expect(keyFingerprint(newKey?.publicKey as string)).toBe(newKey?.fingerprint);
    expect(keyring.publicKeys().map((k) => k.keyId)).toEqual([current.keyId, oldId]);
    clock.advance(2 * 86_400_000);
    expect(keyring.list().find((k) => k.keyId === oldId)?.status).toBe('retired');
    expect(keyring.publicKeys().map((k) => k.keyId)).toEqual([current.keyId]);
    // The new key survives a restart; the old private key is gone from the file.
    const reloaded = (await SigningKeyring.open(new FileSigningKeyStore(dir), clock)).keyring;
    expect(reloaded.currentKeyId).toBe(current.keyId);
  });

  it('revokes an old key (announced as revoked), refuses to revoke the current one, and tells listeners', async () => {
    const { keyring } = await SigningKeyring.open(new FileSigningKeyStore(dir), new ManualClock());
    const oldId = keyring.currentKeyId;
    const heard: string[][] = [];
    keyring.onChange((ring) => heard.push(ring.revoked));
    await keyring.rotate();
    await expect(keyring.revoke(keyring.currentKeyId)).rejects.toMatchObject({ code: 'E_CONFLICT' });
    await expect(keyring.revoke('k-missing')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect((await keyring.revoke(oldId)).status).toBe('revoked');
    expect(keyring.announcement()).toMatchObject({ revoked: [oldId] });
    expect(keyring.announcement().keys.map((k) => k.keyId)).toEqual([keyring.currentKeyId]);
    expect(heard).toEqual([[], [oldId]]);
  });
});
