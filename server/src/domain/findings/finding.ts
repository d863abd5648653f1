import { createHash } from 'node:crypto';
import type {
  AffectedBinary,
  CvssScore,
  FindingSeverity,
  FindingSource,
  FindingState,
  FindingStatus,
  FindingView,
  FixEvidence,
  NotAffected,
  RiskException,
  RiskScore,
} from '@patchwave/shared';
import type { ThreatSummary } from '../advisories/threat-intel.js';
import { isOverdue } from './sla.js';

/** A finding as stored: one advisory affecting one package group on one device. */
export interface Finding {
  id: string;
  deviceId: string;
  advisoryId: string;
  source: FindingSource;
  ecosystem: string;
  group: string;
  installedVersion: string;
  fixedVersion: string | null;
  binaries: AffectedBinary[];
  cves: string[];
  severity: FindingSeverity;
  cvss: CvssScore | null;
  threat: ThreatSummary;
  score: RiskScore;
  advisoryPublishedAt: string | null;
  firstSeenAt: string;
  firstSeenReportId: string;
  lastSeenAt: string;
  dueAt: string;
  dueRule: string;
  status: FindingStatus;
  /** When it left `open`/`accepted_risk` (the fix evidence's time, or the not-affected decision). */
  resolvedAt: string | null;
  evidence: FixEvidence | null;
  exception: RiskException | null;
  notAffected: NotAffected | null;
  /** Times a fixed finding came back (a downgrade, a rollback, a reimaged device). */
  reopenCount: number;
}

export type FindingEventKind = 'opened' | 'fixed' | 'reopened' | 'risk_accepted' | 'exception_revoked' | 'not_affected' | 'rescored';

/** One transition, for the finding's history and the audit log. */
export interface FindingEvent {
  findingId: string;
  deviceId: string;
  at: string;
  kind: FindingEventKind;
  from: FindingStatus | null;
  to: FindingStatus;
  /** Operator for manual transitions; null when the inventory or a feed caused it. */
  actor: string | null;
  detail: Record<string, unknown>;
}

/** Stable id: the same advisory on the same package group of the same device is always one finding. */
export function findingId(deviceId: string, advisoryId: string, group: string): string {
  return `f_${createHash('sha256').update(`${deviceId}\u0000${advisoryId}\u0000${group}`).digest('hex').slice(0, 32)}`;
}

/** The state shown to operators at `now`: overdue is its own state; an expired exception is open again. */
export function findingState(f: Finding, now: string): FindingState {
  if (f.status === 'fixed' || f.status === 'not_affected') return f.status;
  if (f.status === 'accepted_risk' && f.exception && Date.parse(f.exception.expiresAt) > Date.parse(now)) return 'accepted_risk';
  return isOverdue(f.dueAt, now) ? 'overdue' : 'open';
}

/** Open or accepted with an expired exception: needs fixing. */
export function isActive(f: Finding, now: string): boolean {
  const s = findingState(f, now);
  return s === 'open' || s === 'overdue';
}

export function toFindingView(f: Finding, now: string): FindingView {
  const state = findingState(f, now);
  return {
    id: f.id,
    deviceId: f.deviceId,
    advisoryId: f.advisoryId,
    source: f.source,
    cves: f.cves,
    ecosystem: f.ecosystem,
    package: { name: f.group, installedVersion: f.installedVersion, binaries: f.binaries },
    fixedVersion: f.fixedVersion,
    severity: f.severity,
    cvss: f.cvss,
    epss: f.threat.epss ? { probability: f.threat.epss.probability, percentile: f.threat.epss.percentile, scoreDate: f.threat.epss.scoreDate } : null,
    kev: f.threat.kev ? { dateAdded: f.threat.kev.dateAdded, dueDate: f.threat.kev.dueDate, knownRansomware: f.threat.kev.knownRansomware } : null,
    score: f.score,
    firstSeenAt: f.firstSeenAt,
    lastSeenAt: f.lastSeenAt,
    advisoryPublishedAt: f.advisoryPublishedAt,
    dueAt: f.dueAt,
    status: f.status,
    state,
    overdue: state === 'overdue',
    evidence: f.evidence,
    exception: f.exception,
    notAffected: f.notAffected,
  };
}
