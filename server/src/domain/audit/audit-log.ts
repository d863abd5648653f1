import type { Clock } from '../clock.js';
import type { ChainVerification } from './audit-chain.js';
import { ChainVerifier } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.js';
import { sealAuditEntry } from './audit-entry.js';
import type { AuditQuery, AuditRepository } from './audit-repository.js';

export interface AuditRecord {
  actor: string;
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

const VERIFY_PAGE = 1_000;

/** The tamper-evident trail of operator actions and security events. */
export class AuditLog {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Appends an entry; pass the transaction's repository to make it part of that transaction. */
  record(repo: AuditRepository | null, record: AuditRecord): Promise<AuditEntry> {
    const draft = {
      at: this.clock.now(),
      actor: record.actor,
      action: record.action,
      target: record.target ?? '',
      details: record.details ?? {},
    };
    return (repo ?? this.repo).append(draft, sealAuditEntry);
  }

  list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.repo.list(query);
  }

  /** Recomputes the whole chain, page by page, and names the first broken link. */
  async verify(): Promise<ChainVerification> {
    const verifier = new ChainVerifier();
    let afterSeq = 0;
    for (;;) {
      const page = await this.repo.list({ afterSeq, limit: VERIFY_PAGE });
      for (const entry of page) {
        if (!verifier.push(entry)) return verifier.result();
        afterSeq = entry.seq;
      }
      if (page.length < VERIFY_PAGE) return verifier.result();
    }
  }
}
