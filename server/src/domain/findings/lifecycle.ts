import { FixEvidence, NotAffected, PatchwaveError, RiskException } from '@patchwave/shared';
import type { FindingStatus } from '@patchwave/shared';
import type { Finding, FindingEvent, FindingEventKind } from './finding.js';

/**
 * Finding lifecycle (see README.md for the diagram). `fixed` is reached only with evidence from an
 * inventory report; `accepted_risk` only with an exception naming reason, approver and expiry;
 * `not_affected` by an operator's assessment or a revised/withdrawn advisory.
 */

export interface Transition {
  finding: Finding;
  event: FindingEvent;
}

function event(f: Finding, kind: FindingEventKind, at: string, to: FindingStatus, actor: string | null, detail: Record<string, unknown>): FindingEvent {
  return { findingId: f.id, deviceId: f.deviceId, at, kind, from: f.status, to, actor, detail };
}

function requireStatus(f: Finding, allowed: FindingStatus[], action: string): void {
  if (!allowed.includes(f.status)) {
    throw new PatchwaveError('E_CONFLICT', `cannot ${action} finding ${f.id}: it is ${f.status}`, {
      details: { findingId: f.id, status: f.status, allowed },
    });
  }
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new PatchwaveError('E_VALIDATION', `invalid ${what}: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'rejected'}`, {
      details: { issues: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    });
  }
  return r.data;
}

/** Accept the risk until the exception expires; renewing an accepted risk replaces its exception. */
export function acceptRisk(f: Finding, exception: unknown, now: string): Transition {
  requireStatus(f, ['open', 'accepted_risk'], 'accept the risk of');
  const e = parse(RiskException, exception, 'risk exception');
  if (Date.parse(e.expiresAt) <= Date.parse(now)) {
    throw new PatchwaveError('E_VALIDATION', 'invalid risk exception: expiresAt is already past', { details: { expiresAt: e.expiresAt, now } });
  }
  const finding: Finding = { ...f, status: 'accepted_risk', exception: e };
  return { finding, event: event(f, 'risk_accepted', now, 'accepted_risk', e.approver, { reason: e.reason, expiresAt: e.expiresAt }) };
}

export function revokeException(f: Finding, now: string, actor: string): Transition {
  requireStatus(f, ['accepted_risk'], 'revoke the exception of');
  const finding: Finding = { ...f, status: 'open', exception: null };
  return { finding, event: event(f, 'exception_revoked', now, 'open', actor, {}) };
}

export function markNotAffected(f: Finding, decision: unknown): Transition {
  requireStatus(f, ['open', 'accepted_risk'], 'mark not affected');
  const na = parse(NotAffected, decision, 'not-affected decision');
  const finding: Finding = { ...f, status: 'not_affected', notAffected: na, exception: null, resolvedAt: na.decidedAt };
  return { finding, event: event(f, 'not_affected', na.decidedAt, 'not_affected', na.decidedBy ?? null, { reason: na.reason, note: na.note }) };
}

/** Closed on evidence only: the inventory report that showed the package fixed or gone. */
export function fixFinding(f: Finding, evidence: unknown): Transition {
  requireStatus(f, ['open', 'accepted_risk'], 'fix');
  const ev = parse(FixEvidence, evidence, 'fix evidence');
  const finding: Finding = { ...f, status: 'fixed', evidence: ev, resolvedAt: ev.observedAt, exception: null };
  return { finding, event: event(f, 'fixed', ev.observedAt, 'fixed', null, { ...ev }) };
}

/** A fixed (or revised-away) finding seen again: open once more, keeping its first-seen time and due date. */
export function reopenFinding(f: Finding, at: string, reportId: string): Transition {
  requireStatus(f, ['fixed', 'not_affected'], 'reopen');
  const finding: Finding = { ...f, status: 'open', evidence: null, notAffected: null, resolvedAt: null, lastSeenAt: at, reopenCount: f.reopenCount + 1 };
  return { finding, event: event(f, 'reopened', at, 'open', null, { reportId, previous: f.status }) };
}
