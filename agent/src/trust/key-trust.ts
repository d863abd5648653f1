import type { ServerKey, ServerKeyring } from '@patchwave/shared';
import { keyEndorsementText } from '@patchwave/shared';
import { z } from 'zod';
import { keyFingerprint, verifySignature } from './ed25519.js';

export const TrustedKey = z.object({
  keyId: z.string().min(1).max(128),
  publicKey: z.string().length(43),
  fingerprint: z.string().regex(/^[a-f0-9]{64}$/),
  /** Jobs signed with it are refused from this instant (end of a rotation overlap). */
  notAfter: z.string().max(64).nullable(),
  revokedAt: z.string().max(64).nullable(),
  /** `pinned`: matches the configured fingerprint; `first-use`: trusted on first use; `endorsed`: signed by a trusted key. */
  source: z.enum(['pinned', 'first-use', 'endorsed']),
  addedAt: z.string().max(64),
});
export type TrustedKey = z.infer<typeof TrustedKey>;

/** What the agent trusts for job signatures, persisted in `<stateDir>/trust.json`. */
export const KeyTrustState = z.object({
  version: z.literal(1),
  /** The configured PATCHWAVE_SERVER_KEY this state was built from; null: trust on first use. */
  pin: z.string().regex(/^[a-f0-9]{64}$/).nullable(),
  /** When and how the first key was trusted. */
  pinnedFrom: z.enum(['config', 'enrollment', 'first-connection']),
  recordedAt: z.string().max(64),
  keys: z.array(TrustedKey).max(256),
});
export type KeyTrustState = z.infer<typeof KeyTrustState>;

export interface KeyringOutcome {
  state: KeyTrustState;
  /** Key ids newly trusted. */
  added: string[];
  /** Announced keys that could not be trusted, and why (no valid endorsement by a trusted key). */
  rejected: { keyId: string; reason: string }[];
  changed: boolean;
}

/** An announced key is what it claims: its fingerprint is the hash of its public key. */
function selfConsistent(key: ServerKey): boolean {
  return keyFingerprint(key.publicKey) === key.fingerprint;
}

const earlier = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : Date.parse(a) <= Date.parse(b) ? a : b);

/**
 * The first trust: with a pinned fingerprint, only the announced key that has it (plus the keys it
 * endorses, transitively); without a pin, every announced key (trust on first use, recorded).
 * Null when the pinned key is not in the keyring: this is not the server the operator meant.
 */
export function initialTrust(ring: ServerKeyring, pin: string | null, from: KeyTrustState['pinnedFrom'], now: Date): KeyringOutcome | null {
  const at = now.toISOString();
  const valid = ring.keys.filter((k) => selfConsistent(k) && !ring.revoked.includes(k.keyId));
  const seeds = pin ? valid.filter((k) => k.fingerprint === pin) : valid;
  if (seeds.length === 0) return null;
  const base: KeyTrustState = {
    version: 1,
    pin,
    pinnedFrom: from,
    recordedAt: at,
    keys: seeds.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, fingerprint: k.fingerprint, notAfter: k.notAfter, revokedAt: null, source: pin ? 'pinned' : 'first-use', addedAt: at })),
  };
  const outcome = applyKeyring(base, ring, now);
  return { ...outcome, added: [...seeds.map((k) => k.keyId), ...outcome.added], changed: true };
}

/**
 * Applies an announcement to what the agent trusts. A new key is trusted only when a key already
 * trusted (and not revoked) endorsed it with a valid signature — followed transitively, so an
 * agent that missed several rotations catches up. Revocations and earlier `notAfter` only restrict
 * and are taken as given; nothing in an announcement can widen trust in a known key.
 */
export function applyKeyring(state: KeyTrustState, ring: ServerKeyring, now: Date): KeyringOutcome {
  const at = now.toISOString();
  const keys = new Map(state.keys.map((k) => [k.keyId, { ...k }]));
  let changed = false;
  for (const id of ring.revoked) {
    const key = keys.get(id);
    if (key && !key.revokedAt) {
      key.revokedAt = at;
      changed = true;
    }
  }
  for (const announced of ring.keys) {
    const key = keys.get(announced.keyId);
    if (key && key.publicKey !== announced.publicKey) continue; // a known id with another key: never replaces what is trusted
    if (key) {
      const notAfter = earlier(key.notAfter, announced.notAfter);
      if (notAfter !== key.notAfter) {
        key.notAfter = notAfter;
        changed = true;
      }
    }
  }
  const added: string[] = [];
  const reasons = new Map<string, string>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const announced of ring.keys) {
      const known = keys.get(announced.keyId);
      if (known) {
        if (known.publicKey !== announced.publicKey) reasons.set(announced.keyId, 'a trusted key has this id with another public key');
        continue;
      }
      if (ring.revoked.includes(announced.keyId)) continue;
      if (!selfConsistent(announced)) {
        reasons.set(announced.keyId, 'its fingerprint is not the hash of its public key');
        continue;
      }
      const endorsement = announced.endorsement;
      const endorser = endorsement ? keys.get(endorsement.by) : undefined;
      if (!endorsement || !endorser || endorser.revokedAt) {
        reasons.set(announced.keyId, endorsement ? `endorsed by ${endorsement.by}, which this agent does not trust` : 'not endorsed by a key this agent trusts');
        continue;
      }
      if (!verifySignature(endorser.publicKey, keyEndorsementText(announced), endorsement.signature)) {
        reasons.set(announced.keyId, `its endorsement by ${endorsement.by} does not verify`);
        continue;
      }
      keys.set(announced.keyId, { keyId: announced.keyId, publicKey: announced.publicKey, fingerprint: announced.fingerprint, notAfter: announced.notAfter, revokedAt: null, source: 'endorsed', addedAt: at });
      reasons.delete(announced.keyId);
      added.push(announced.keyId);
      progress = true;
      changed = true;
    }
  }
  return {
    state: { ...state, keys: [...keys.values()] },
    added,
    rejected: [...reasons.entries()].map(([keyId, reason]) => ({ keyId, reason })),
    changed,
  };
}
