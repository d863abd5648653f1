/** One job-signing key as the server keeps it. */
export interface SigningKeyRecord {
  keyId: string;
  /** base64url raw Ed25519 public key. */
  publicKey: string;
  /** PKCS#8 PEM; null once the key is retired or revoked (it never signs again). */
  privateKeyPem: string | null;
  createdAt: string;
  /** End of the overlap after a rotation: jobs signed with it are refused after this. */
  notAfter: string | null;
  revokedAt: string | null;
  /** Signature by the key this one replaced, over `keyEndorsementText`. */
  endorsement: { by: string; signature: string } | null;
}

export type SigningKeyStatus = 'current' | 'retiring' | 'retired' | 'revoked';

export function keyStatus(key: SigningKeyRecord, currentId: string, now: Date): SigningKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.keyId === currentId) return 'current';
  if (key.notAfter && Date.parse(key.notAfter) <= now.getTime()) return 'retired';
  return 'retiring';
}

/** Where the keyring persists (a 0600 file in the data dir; memory in tests). */
export interface SigningKeyStore {
  load(): Promise<SigningKeyRecord[] | null>;
  save(keys: readonly SigningKeyRecord[]): Promise<void>;
  /** Where the keys live, for messages. */
  readonly location: string;
}

export class MemorySigningKeyStore implements SigningKeyStore {
  readonly location = 'memory';
  private keys: SigningKeyRecord[] | null = null;

  async load(): Promise<SigningKeyRecord[] | null> {
    return this.keys ? this.keys.map((k) => ({ ...k })) : null;
  }

  async save(keys: readonly SigningKeyRecord[]): Promise<void> {
    this.keys = keys.map((k) => ({ ...k }));
  }
}
