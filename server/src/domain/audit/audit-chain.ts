import type { AuditEntry } from './audit-entry.js';
import { auditEntryHash, GENESIS_HASH } from './audit-entry.js';

export interface BrokenLink {
  seq: number;
  reason: string;
}

export interface ChainVerification {
  ok: boolean;
  /** Entries checked. */
  count: number;
  /** Hash of the last entry checked (the head when the chain is intact); null for an empty log. */
  headHash: string | null;
  headSeq: number | null;
  firstBroken: BrokenLink | null;
}

/**
 * Walks entries in seq order and reports the first broken link: a gap in seq, a prevHash that does
 * not name the previous entry, or a hash that does not match the entry's content.
 */
export class ChainVerifier {
  private count = 0;
  private prev: AuditEntry | null = null;
  private broken: BrokenLink | null = null;

  /** Feeds the next entry; returns false once a break was found (the caller may stop). */
  push(entry: AuditEntry): boolean {
    if (this.broken) return false;
    this.count += 1;
    const expectedSeq = this.prev ? this.prev.seq + 1 : 1;
    const expectedPrev = this.prev ? this.prev.hash : GENESIS_HASH;
    if (entry.seq !== expectedSeq) {
      this.broken = { seq: entry.seq, reason: `expected seq ${expectedSeq}, found ${entry.seq} (entries missing or reordered)` };
    } else if (entry.prevHash !== expectedPrev) {
      this.broken = { seq: entry.seq, reason: `prevHash does not match the hash of entry ${expectedSeq - 1}` };
    } else if (auditEntryHash(entry) !== entry.hash) {
      this.broken = { seq: entry.seq, reason: 'hash does not match the entry content (entry was modified)' };
    }
    this.prev = entry;
    return this.broken === null;
  }

  result(): ChainVerification {
    return {
      ok: this.broken === null,
      count: this.count,
      headHash: this.prev?.hash ?? null,
      headSeq: this.prev?.seq ?? null,
      firstBroken: this.broken,
    };
  }
}

export function verifyChain(entries: Iterable<AuditEntry>): ChainVerification {
  const verifier = new ChainVerifier();
  for (const entry of entries) {
    if (!verifier.push(entry)) break;
  }
  return verifier.result();
}
