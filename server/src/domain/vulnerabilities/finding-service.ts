import { PatchwaveError } from '@patchwave/shared';
import type { AcceptRiskBody, FindingDetail, FindingListItem, RiskExceptionView } from '@patchwave/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Finding } from '../findings/finding.js';
import { toFindingView } from '../findings/finding.js';
import { acceptRisk, markNotAffected, revokeException } from '../findings/lifecycle.js';
import { addDays } from '../findings/sla.js';
import type { Page } from '../paging.js';
import type { Repositories, Store } from '../store.js';
import type { VulnerabilityConfig } from './config.js';
import { factsOfFinding, rescore } from '../findings/reconcile.js';
import { persistFindings, scoringContext } from './finding-writer.js';
import type { FindingQuery, RiskExceptionRecord } from './ports.js';

/** Who acts on a finding: the audit actor and the name shown as approver. */
export interface Operator {
  actor: string;
  /** Shown on the exception (`alice [user:…]`). */
  approver: string;
}

const exceptionView = (e: RiskExceptionRecord): RiskExceptionView => ({ ...e });

/**
 * Findings as operators see them, and the manual transitions: accept a risk (an exception with
 * reason, approver and expiry), revoke it, mark not affected. An exception that expires reopens
 * the finding (`expireExceptions`, run by the scheduler, records it).
 */
export class FindingService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: VulnerabilityConfig,
  ) {}

  /**
   * Recomputes the scores and due dates of a device's active findings after its asset context
   * changed (criticality, the internet-facing tag). A new priority or due date is an event.
   */
  async rescoreDevice(deviceId: string, actor: string): Promise<number> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now().toISOString();
      const r = rescore(await tx.findings.listActive({ deviceIds: [deviceId] }), factsOfFinding, scoringContext(tx, this.config), now);
      const events = r.events
        .filter((e) => {
          const d = e.detail as { priority: [string, string]; dueAt: [string, string] };
          return d.priority[0] !== d.priority[1] || d.dueAt[0] !== d.dueAt[1];
        })
        .map((e) => ({ ...e, actor }));
      await persistFindings(tx, this.audit, { upserts: r.upserts, events }, now, actor);
      return r.upserts.length;
    });
  }

  async list(query: FindingQuery): Promise<Page<FindingListItem>> {
    const now = this.clock.now().toISOString();
    const page = await this.store.findings.query(query, now);
    const hosts = await this.store.fleet.hostnames([...new Set(page.items.map((f) => f.deviceId))]);
    return { ...page, items: page.items.map((f) => ({ ...toFindingView(f, now), hostname: hosts.get(f.deviceId) ?? '(removed device)' })) };
  }

  async get(id: string): Promise<FindingDetail> {
    return this.store.transaction((tx) => this.detail(tx, id));
  }

  async acceptRisk(id: string, body: AcceptRiskBody, by: Operator): Promise<FindingDetail> {
    return this.store.transaction(async (tx) => {
      const f = await this.load(tx, id);
      const now = this.clock.now();
      const expiresAt = body.expiresAt ? new Date(body.expiresAt).toISOString() : addDays(now.toISOString(), body.days as number);
      const t = acceptRisk(f, { reason: body.reason, approver: by.approver, approvedAt: now.toISOString(), expiresAt }, now.toISOString());
      const event = { ...t.event, actor: by.actor, detail: { ...t.event.detail, approver: by.approver } };
      if (f.status === 'accepted_risk') await tx.findings.endException(id, now.toISOString(), by.actor, 'replaced');
      await persistFindings(tx, this.audit, { upserts: [t.finding], events: [event] }, now.toISOString(), by.actor);
      await tx.findings.openException({ findingId: id, deviceId: f.deviceId, reason: body.reason, approver: by.approver, approvedAt: now.toISOString(), expiresAt });
      return this.detail(tx, id);
    });
  }

  async revokeException(id: string, by: Operator): Promise<FindingDetail> {
    return this.store.transaction(async (tx) => {
      const f = await this.load(tx, id);
      const now = this.clock.now().toISOString();
      const t = revokeException(f, now, by.actor);
      // The exception stays on the record, ended now: history shows when the risk was accepted.
      const ended = f.exception ? { ...f.exception, expiresAt: Date.parse(now) > Date.parse(f.exception.approvedAt) ? now : new Date(Date.parse(f.exception.approvedAt) + 1).toISOString() } : null;
      await persistFindings(tx, this.audit, { upserts: [{ ...t.finding, exception: ended }], events: [{ ...t.event, detail: { reason: 'revoked' } }] }, now, by.actor);
      return this.detail(tx, id);
    });
  }

  async markNotAffected(id: string, note: string, by: Operator): Promise<FindingDetail> {
    return this.store.transaction(async (tx) => {
      const f = await this.load(tx, id);
      const now = this.clock.now().toISOString();
      const t = markNotAffected(f, { reason: 'operator_assessment', note, decidedBy: by.approver, decidedAt: now });
      await persistFindings(tx, this.audit, { upserts: [t.finding], events: [{ ...t.event, actor: by.actor }] }, now, by.actor);
      return this.detail(tx, id);
    });
  }

  /** Accepted risks whose exception expired become open again (with an event and an audit entry). */
  async expireExceptions(): Promise<number> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now().toISOString();
      const expired = await tx.findings.listExpiredExceptions(now);
      if (expired.length === 0) return 0;
      const upserts: Finding[] = expired.map((f) => ({ ...f, status: 'open' }));
      const events = expired.map((f) => ({
        findingId: f.id, deviceId: f.deviceId, at: f.exception?.expiresAt ?? now, kind: 'exception_revoked' as const, from: 'accepted_risk' as const, to: 'open' as const,
        actor: null, detail: { reason: 'expired', expiresAt: f.exception?.expiresAt ?? null },
      }));
      await persistFindings(tx, this.audit, { upserts, events }, now, 'system');
      return expired.length;
    });
  }

  async exceptions(query: { findingId?: string; active?: boolean; limit: number; offset: number }): Promise<Page<RiskExceptionView>> {
    const page = await this.store.findings.listExceptions({
      ...(query.findingId ? { findingId: query.findingId } : {}),
      ...(query.active ? { activeAt: this.clock.now().toISOString() } : {}),
      limit: query.limit,
      offset: query.offset,
    });
    return { ...page, items: page.items.map(exceptionView) };
  }

  private async load(tx: Repositories, id: string): Promise<Finding> {
    const f = await tx.findings.get(id);
    if (!f) throw new PatchwaveError('E_NOT_FOUND', `finding ${id} not found`);
    return f;
  }

  private async detail(tx: Repositories, id: string): Promise<FindingDetail> {
    const f = await this.load(tx, id);
    const now = this.clock.now().toISOString();
    const [hosts, advisory, events, exceptions] = await Promise.all([
      tx.fleet.hostnames([f.deviceId]),
      tx.advisories.get(f.advisoryId),
      tx.findings.events(id),
      tx.findings.listExceptions({ findingId: id, limit: 100, offset: 0 }),
    ]);
    return {
      ...toFindingView(f, now),
      hostname: hosts.get(f.deviceId) ?? '(removed device)',
      dueRule: f.dueRule,
      firstSeenReportId: f.firstSeenReportId,
      reopenCount: f.reopenCount,
      advisory: advisory
        ? { id: advisory.advisory.id, summary: advisory.advisory.summary.slice(0, 256), published: advisory.advisory.published, modified: advisory.advisory.modified }
        : null,
      events: events.map(({ findingId: _f, deviceId: _d, ...e }) => e),
      exceptions: exceptions.items.map(exceptionView),
    };
  }
}
