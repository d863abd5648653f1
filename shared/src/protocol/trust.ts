import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { LIMITS } from '../limits.js';
import { canonicalJson } from '../domain/inventory.js';
import { envelope } from './envelope.js';

/**
 * Trust between server and agent: the server's Ed25519 job-signing keys (announced, rotated with an
 * endorsement by the previous key, retired or revoked), the agent credential rotation and the
 * security events an agent reports. Pure: the cryptography lives on each side (node:crypto).
 */

const Timestamp = z.iso.datetime({ offset: true });
const Base64Url = (what: string) => z.string().regex(/^[A-Za-z0-9_-]+$/, `${what} must be base64url`);

export const SigningKeyId = z
  .string()
  .min(1)
  .max(LIMITS.id)
  .regex(/^[A-Za-z0-9._:-]+$/, 'key id may contain only letters, digits and . _ : -');

/** Lowercase hex SHA-256 of a raw 32-byte Ed25519 public key. */
export const KeyFingerprint = z.string().regex(/^[a-f0-9]{64}$/, 'expected a lowercase hex SHA-256 fingerprint (64 characters)');

export const ServerKey = z.object({
  keyId: SigningKeyId,
  algorithm: z.literal('ed25519'),
  /** base64url of the raw 32-byte public key. */
  publicKey: Base64Url('publicKey').length(43),
  fingerprint: KeyFingerprint,
  createdAt: Timestamp,
  /** Jobs signed with this key are refused after this instant (the end of a rotation overlap). */
  notAfter: Timestamp.nullable(),
  /**
   * A signature by an older key over `keyEndorsementText(this key)`: an agent that trusts the older
   * key learns this one from it. Absent on the first key.
   */
  endorsement: z.object({ by: SigningKeyId, signature: Base64Url('signature').max(256) }).optional(),
});
export type ServerKey = z.infer<typeof ServerKey>;

/**
 * What an agent may trust: current key first, then keys inside their overlap, and ids of keys that
 * were revoked. Adding a key needs an endorsement by a key the agent already trusts; revocations and
 * earlier `notAfter` only ever restrict trust, so the agent takes them as given.
 */
export const ServerKeyring = z.object({
  keys: z.array(ServerKey).min(1).max(32),
  revoked: z.array(SigningKeyId).max(256),
});
export type ServerKeyring = z.infer<typeof ServerKeyring>;

export const KEY_ENDORSEMENT_CONTEXT = 'patchwave-key-endorsement-v1\n';

/** The text an endorsement signature covers: a context line and the key's identity fields as canonical JSON. */
export function keyEndorsementText(key: Pick<ServerKey, 'keyId' | 'algorithm' | 'publicKey' | 'createdAt'>): string {
  return KEY_ENDORSEMENT_CONTEXT + canonicalJson({ keyId: key.keyId, algorithm: key.algorithm, publicKey: key.publicKey, createdAt: key.createdAt });
}

/**
 * A fingerprint as an operator may type it (`SHA256:AB:CD:…`, spaces, upper case) in canonical form
 * (64 lowercase hex), or null when it is not one.
 */
export function normalizeFingerprint(text: string): string | null {
  const bare = text.trim().replace(/^sha-?256[:/]/i, '').replace(/[\s:]/g, '').toLowerCase();
  return /^[a-f0-9]{64}$/.test(bare) ? bare : null;
}

/** `ab:cd:…` in upper case pairs, as TLS tools print certificate fingerprints. */
export function colonFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/.{2}/g) ?? []).join(':');
}

/** Server → agent: the keys to trust for job signatures (after welcome, and at once on rotation or revocation). */
export const TrustKeys = envelope('trust.keys', ServerKeyring);
export type TrustKeys = z.infer<typeof TrustKeys>;

/**
 * Server → agent: replace your credential with this one. The agent stores it atomically and then
 * acks the frame; the server accepts either credential until it sees the new one used or acked.
 */
export const CredentialRotate = envelope(
  'credential.rotate',
  z.object({ credential: z.string().min(43).max(LIMITS.shortText), issuedAt: Timestamp }),
);
export type CredentialRotate = z.infer<typeof CredentialRotate>;

export const SECURITY_EVENT_KINDS = ['job.rejected', 'trust.key-rejected', 'credential.rotate-failed'] as const;

/** Agent → server: the agent refused something for a security reason; the server writes it to the audit log. */
export const SecurityEvent = envelope(
  'security.event',
  z.object({
    kind: z.enum(SECURITY_EVENT_KINDS),
    code: z.enum(ERROR_CODES),
    message: z.string().max(LIMITS.message),
    jobId: z.string().max(LIMITS.id).optional(),
    /** The device the refused job named (may differ from the agent's own: E_JOB_WRONG_DEVICE). */
    jobDeviceId: z.string().max(LIMITS.id).optional(),
    keyId: z.string().max(LIMITS.id).optional(),
    deploymentId: z.string().max(LIMITS.id).optional(),
  }),
);
export type SecurityEvent = z.infer<typeof SecurityEvent>;

/** Capabilities an agent lists in its hello when it handles these frames; servers send them only then. */
export const TRUST_KEYS_CAPABILITY = 'trust.keys';
export const CREDENTIAL_ROTATE_CAPABILITY = 'credential.rotate';
