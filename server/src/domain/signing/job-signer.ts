import type { Job } from '@patchwave/shared';

/**
 * Signs every job before it leaves the server. The orchestrator (deployments) depends on this
 * port only; the trust work supplies the Ed25519 implementation with key storage and rotation.
 * A signed job carries `keyId` and `signature` (base64url over `jobSigningBytes(job)`).
 */
export interface JobSigner {
  sign(job: Job): Job;
  /** Public keys agents may pin: current first, then keys still inside their overlap period. */
  publicKeys(): { keyId: string; publicKeyPem: string; fingerprint: string; notAfter: Date | null }[];
}
