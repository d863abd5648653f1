import type { Job } from '@patchwave/shared';
import type { JobVerifier } from '../jobs/admission.js';
import { verifySignature } from './ed25519.js';
import type { KeyTrustState } from './key-trust.js';

/**
 * The agent's check of every job signature: Ed25519 over `jobSigningBytes` of the job as received,
 * by a key this agent trusts (pinned, first-use or endorsed), not revoked and not past its
 * `notAfter`. Anything else is refused with a reason naming the key.
 */
export class Ed25519JobVerifier implements JobVerifier {
  constructor(
    private readonly state: () => KeyTrustState | null,
    private readonly now: () => Date,
  ) {}

  verify(job: Job, signedBytes: Uint8Array): { ok: true } | { ok: false; message: string } {
    if (!job.signature || !job.keyId) return { ok: false, message: 'job is unsigned; this agent runs only jobs signed by its server' };
    const state = this.state();
    if (!state || state.keys.length === 0) return { ok: false, message: 'this agent has not pinned a server key yet; it runs no jobs until it has' };
    const key = state.keys.find((k) => k.keyId === job.keyId);
    if (!key) return { ok: false, message: `job is signed by key ${job.keyId}, which this agent does not trust` };
    if (key.revokedAt) return { ok: false, message: `job is signed by key ${job.keyId}, which was revoked (${key.revokedAt})` };
    if (key.notAfter && this.now().getTime() >= Date.parse(key.notAfter)) {
      return { ok: false, message: `job is signed by key ${job.keyId}, retired since ${key.notAfter} (rotated out)` };
    }
    if (!verifySignature(key.publicKey, signedBytes, job.signature)) {
      return { ok: false, message: `job signature does not verify with key ${job.keyId} (forged or altered)` };
    }
    return { ok: true };
  }
}
