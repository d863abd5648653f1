import type { AuditDraft, AuditEntry, AuditHead } from './audit-entry.js';

/** Computes the entry that links `draft` to the current head. */
export type AuditSealer = (prev: AuditHead | null, draft: AuditDraft) => AuditEntry;

export interface AuditQuery {
  /** Entries with seq greater than this (cursor). */
  afterSeq?: number;
  limit: number;
  action?: string;
  actor?: string;
  target?: string;
}

/** Append-only store of the hash chain. There is no update or delete. */
export interface AuditRepository {
  /**
   * Reads the head and stores `seal(head, draft)` atomically, so concurrent appends still form one
   * chain. Runs inside the caller's transaction when there is one.
   */
  append(draft: AuditDraft, seal: AuditSealer): Promise<AuditEntry>;
  /** Entries in seq order. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  head(): Promise<AuditHead | null>;
}
