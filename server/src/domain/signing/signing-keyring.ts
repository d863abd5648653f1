import type { Job, ServerKey, ServerKeyring } from '@patchwave/shared';
import { jobSigningBytes, keyEndorsementText, PatchwaveError } from '@patchwave/shared';
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../clock.js';
import { generateEd25519, keyFingerprint, keyIdOf, privateKeyObject, publicKeyPem, signText } from './ed25519.js';
import type { JobSigner } from './job-signer.js';
import type { SigningKeyRecord, SigningKeyStatus, SigningKeyStore } from './signing-key.js';
import { keyStatus } from './signing-key.js';

export const DEFAULT_OVERLAP_MS = 7 * 86_400_000;

export interface SigningKeyInfo {
  keyId: string;
  publicKey: string;
  fingerprint: string;
  status: SigningKeyStatus;
  createdAt: Date;
  notAfter: Date | null;
  revokedAt: Date | null;
  endorsedBy: string | null;
}

/**
 * The server's Ed25519 job-signing keys: generated at first start, rotated with an overlap (the new
 * key is endorsed by the old one, which stays valid for jobs already signed until `notAfter`), and
 * revocable. Implements `JobSigner`: every job leaves with `keyId` and `signature`.
 */
export class SigningKeyring implements JobSigner {
  private keys: SigningKeyRecord[];
  private currentKey: { record: SigningKeyRecord; privateKey: KeyObject };
  private readonly listeners = new Set<(ring: ServerKeyring) => void>();

  private constructor(
    keys: SigningKeyRecord[],
    private readonly store: SigningKeyStore,
    private readonly clock: Clock,
  ) {
    this.keys = keys;
    this.currentKey = SigningKeyring.current(keys);
  }

  /** Loads the keyring, or creates it with a first key on first start. */
  static async open(store: SigningKeyStore, clock: Clock): Promise<{ keyring: SigningKeyring; created: boolean }> {
    const loaded = await store.load();
    if (loaded) {
      const keyring = new SigningKeyring(loaded, store, clock);
      await keyring.dropRetiredPrivateKeys();
      return { keyring, created: false };
    }
    const first = SigningKeyring.newRecord(clock.now(), null);
    await store.save([first]);
    return { keyring: new SigningKeyring([first], store, clock), created: true };
  }

  private static newRecord(now: Date, endorsement: SigningKeyRecord['endorsement']): SigningKeyRecord {
    const pair = generateEd25519();
    return { keyId: keyIdOf(pair.publicKey), publicKey: pair.publicKey, privateKeyPem: pair.privateKeyPem, createdAt: now.toISOString(), notAfter: null, revokedAt: null, endorsement };
  }

  private static current(keys: readonly SigningKeyRecord[]): { record: SigningKeyRecord; privateKey: KeyObject } {
    // The newest key that can still sign is current.
    const record = [...keys].reverse().find((k) => k.privateKeyPem && !k.revokedAt && !k.notAfter);
    if (!record?.privateKeyPem) throw new Error('the signing keyring has no usable current key');
    return { record, privateKey: privateKeyObject(record.privateKeyPem) };
  }

  get currentKeyId(): string {
    return this.currentKey.record.keyId;
  }

  get currentFingerprint(): string {
    return keyFingerprint(this.currentKey.record.publicKey);
  }

  get location(): string {
    return this.store.location;
  }

  sign(job: Job): Job {
    const { signature: _old, ...unsigned } = job;
    const withKey = { ...unsigned, keyId: this.currentKey.record.keyId };
    return { ...withKey, signature: signText(this.currentKey.privateKey, jobSigningBytes(withKey)) };
  }

  publicKeys(): { keyId: string; publicKeyPem: string; fingerprint: string; notAfter: Date | null }[] {
    const now = this.clock.now();
    return this.list()
      .filter((k) => k.status === 'current' || k.status === 'retiring')
      .sort((a, b) => (a.status === 'current' ? -1 : b.status === 'current' ? 1 : 0))
      .map((k) => ({ keyId: k.keyId, publicKeyPem: publicKeyPem(k.publicKey), fingerprint: k.fingerprint, notAfter: k.notAfter }))
      .filter((k) => !k.notAfter || k.notAfter.getTime() > now.getTime());
  }

  list(): SigningKeyInfo[] {
    const now = this.clock.now();
    return this.keys.map((k) => ({
      keyId: k.keyId,
      publicKey: k.publicKey,
      fingerprint: keyFingerprint(k.publicKey),
      status: keyStatus(k, this.currentKey.record.keyId, now),
      createdAt: new Date(k.createdAt),
      notAfter: k.notAfter ? new Date(k.notAfter) : null,
      revokedAt: k.revokedAt ? new Date(k.revokedAt) : null,
      endorsedBy: k.endorsement?.by ?? null,
    }));
  }

  /**
   * What agents are told to trust: every key not revoked (retired ones too, with their past
   * `notAfter`, so that an agent that was offline can follow the endorsements), current first.
   */
  announcement(): ServerKeyring {
    const visible = this.keys.filter((k) => !k.revokedAt);
    const ordered = [this.currentKey.record, ...visible.filter((k) => k.keyId !== this.currentKey.record.keyId).reverse()].slice(0, 32);
    const keys: ServerKey[] = ordered.map((k) => ({
      keyId: k.keyId,
      algorithm: 'ed25519',
      publicKey: k.publicKey,
      fingerprint: keyFingerprint(k.publicKey),
      createdAt: k.createdAt,
      notAfter: k.notAfter,
      ...(k.endorsement ? { endorsement: k.endorsement } : {}),
    }));
    return { keys, revoked: this.keys.filter((k) => k.revokedAt).map((k) => k.keyId).slice(-256) };
  }

  /** Calls `listener` with the new announcement after every rotation or revocation. */
  onChange(listener: (ring: ServerKeyring) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new current key, endorsed by the old one; the old one stays valid for `overlapMs`. */
  async rotate(overlapMs: number = DEFAULT_OVERLAP_MS): Promise<{ previous: SigningKeyInfo; current: SigningKeyInfo }> {
    const now = this.clock.now();
    const old = this.currentKey;
    const draft = SigningKeyring.newRecord(now, null);
    const endorsement = { by: old.record.keyId, signature: signText(old.privateKey, keyEndorsementText({ ...draft, algorithm: 'ed25519' })) };
    const fresh: SigningKeyRecord = { ...draft, endorsement };
    const notAfter = new Date(now.getTime() + overlapMs).toISOString();
    const keys = [...this.keys.map((k) => (k.keyId === old.record.keyId ? { ...k, notAfter, privateKeyPem: null } : k)), fresh];
    await this.store.save(keys);
    this.keys = keys;
    this.currentKey = SigningKeyring.current(keys);
    this.changed();
    const info = this.list();
    return { previous: info.find((k) => k.keyId === old.record.keyId) as SigningKeyInfo, current: info.find((k) => k.keyId === fresh.keyId) as SigningKeyInfo };
  }

  /** Revokes a key that is not the current one (rotate first): agents refuse its jobs at once. */
  async revoke(keyId: string): Promise<SigningKeyInfo> {
    const key = this.keys.find((k) => k.keyId === keyId);
    if (!key) throw new PatchwaveError('E_NOT_FOUND', `signing key ${keyId} not found`);
    if (keyId === this.currentKey.record.keyId) {
      throw new PatchwaveError('E_CONFLICT', `signing key ${keyId} is the current key: rotate first, then revoke it`);
    }
    if (!key.revokedAt) {
      const keys = this.keys.map((k) => (k.keyId === keyId ? { ...k, revokedAt: this.clock.now().toISOString(), privateKeyPem: null } : k));
      await this.store.save(keys);
      this.keys = keys;
      this.changed();
    }
    return this.list().find((k) => k.keyId === keyId) as SigningKeyInfo;
  }

  private async dropRetiredPrivateKeys(): Promise<void> {
    const now = this.clock.now().getTime();
    if (!this.keys.some((k) => k.privateKeyPem && k.notAfter && Date.parse(k.notAfter) <= now)) return;
    this.keys = this.keys.map((k) => (k.privateKeyPem && k.notAfter && Date.parse(k.notAfter) <= now ? { ...k, privateKeyPem: null } : k));
    await this.store.save(this.keys);
  }

  private changed(): void {
    const ring = this.announcement();
    for (const listener of this.listeners) listener(ring);
  }
}
