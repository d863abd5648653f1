import { createHash } from 'node:crypto';
import { canonicalJson } from '@patchwave/shared';

/** One link of the hash chain. */
export interface AuditEntry {
  /** 1, 2, 3, … without gaps. */
  seq: number;
  at: Date;
  /** Who did it: `api-token:<id>`, `device:<id>`, `system`, `anonymous`. */
  actor: string;
  /** Dotted verb: `enrollment-token.create`, `device.enroll`, `agent.connect.rejected`. */
  action: string;
  /** What it was done to: `enrollment-token:<id>`, `device:<id>`; empty when nothing. */
  target: string;
  /** JSON object; never secrets. */
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type AuditDraft = Pick<AuditEntry, 'at' | 'actor' | 'action' | 'target' | 'details'>;

/** Head of the chain: what the next entry links to. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The bytes an entry's hash covers: every field but the hash itself, as canonical JSON (sorted
 * keys, ISO time). Anyone can recompute it from an export with any SHA-256 tool.
 */
export function auditHashInput(entry: Omit<AuditEntry, 'hash'>): string {
  return canonicalJson({
    seq: entry.seq,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: entry.details,
    prevHash: entry.prevHash,
  });
}

export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(auditHashInput(entry), 'utf8').digest('hex');
}

/** Links a draft to the chain head. Details are normalised to plain JSON first. */
export function sealAuditEntry(prev: AuditHead | null, draft: AuditDraft): AuditEntry {
  const unsealed = {
    seq: prev ? prev.seq + 1 : 1,
    at: draft.at,
    actor: draft.actor,
    action: draft.action,
    target: draft.target,
    details: JSON.parse(JSON.stringify(draft.details ?? {})) as Record<string, unknown>,
    prevHash: prev ? prev.hash : GENESIS_HASH,
  };
  return { ...unsealed, hash: auditEntryHash(unsealed) };
}
