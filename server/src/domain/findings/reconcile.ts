import type { FindingSource } from '@patchwave/shared';
import type { MatchHit } from '../matching/matcher.js';
import type { SecurityHit } from '../matching/security-updates.js';
import { assess } from './assess.js';
import type { FindingFacts, ScoringContext } from './assess.js';
import { findingId } from './finding.js';
import type { Finding, FindingEvent } from './finding.js';
import { fixFinding, reopenFinding } from './lifecycle.js';

/**
 * Turns match hits into finding changes. The scope says which findings the hits speak for: a
 * device's inventory speaks for its own packages (all of them, or the groups a delta changed);
 * an advisory import speaks for that advisory on every device. A finding in scope without a hit:
 * - after an inventory: fixed, with that report as evidence (upgraded, removed, or superseded KB);
 *   package-manager findings whose package did not change stay open (no evidence of a fix);
 * - after an advisory change: not affected (advisory revised or withdrawn).
 */

export type ReconcileScope =
  | { kind: 'device'; deviceId: string; groups: 'all' | ReadonlySet<string>; sources: readonly FindingSource[] }
  | { kind: 'advisory'; advisoryId: string; withdrawn: boolean };

/** The inventory report (or, for advisory scope, the import) that the change is based on. */
export interface ReportRef {
  id: string;
  observedAt: string;
}

/** What the device has now of a finding's package group. */
export type CurrentState = { kind: 'absent' } | { kind: 'present'; version: string } | { kind: 'superseded'; by: string };

export interface ReconcileInput {
  scope: ReconcileScope;
  /** Every stored finding the scope could touch, any status. */
  existing: readonly Finding[];
  hits: readonly (MatchHit | SecurityHit)[];
  report: ReportRef;
  current: (f: Finding) => CurrentState;
  facts: (hit: MatchHit | SecurityHit) => FindingFacts;
  scoring: ScoringContext;
}

export interface ReconcileResult {
  /** Findings created or changed; unchanged ones are not listed. */
  upserts: Finding[];
  events: FindingEvent[];
}

function inScope(f: Finding, scope: ReconcileScope): boolean {
  if (scope.kind === 'advisory') return f.advisoryId === scope.advisoryId && f.source === 'osv';
  if (f.deviceId !== scope.deviceId || !scope.sources.includes(f.source)) return false;
  return scope.groups === 'all' || scope.groups.has(f.group);
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const { report } = input;
  const byId = new Map(input.existing.map((f) => [f.id, f]));
  const upserts = new Map<string, Finding>();
  const events: FindingEvent[] = [];
  const seen = new Set<string>();

  for (const hit of input.hits) {
    const id = findingId(hit.deviceId, hit.advisoryId, hit.group);
    seen.add(id);
    const facts = input.facts(hit);
    const prev = byId.get(id);
    const firstSeenAt = prev?.firstSeenAt ?? report.observedAt;
    const a = assess(facts, hit.deviceId, firstSeenAt, input.scoring);
    const observed = {
      ecosystem: hit.ecosystem,
      installedVersion: hit.installedVersion,
      fixedVersion: hit.fixedVersion,
      binaries: hit.binaries,
      cves: facts.cves,
      severity: facts.severity,
      cvss: facts.cvss,
      advisoryPublishedAt: facts.publishedAt,
      threat: a.threat,
      score: a.score,
      dueAt: a.dueAt,
      dueRule: a.dueRule,
    };
    if (!prev) {
      const f: Finding = {
        id, deviceId: hit.deviceId, advisoryId: hit.advisoryId, source: facts.source, group: hit.group, ...observed,
        firstSeenAt, firstSeenReportId: report.id, lastSeenAt: report.observedAt,
        status: 'open', resolvedAt: null, evidence: null, exception: null, notAffected: null, reopenCount: 0,
      };
      upserts.set(id, f);
      events.push({ findingId: id, deviceId: f.deviceId, at: report.observedAt, kind: 'opened', from: null, to: 'open', actor: null, detail: { reportId: report.id, advisoryId: f.advisoryId, group: f.group, installedVersion: f.installedVersion } });
      continue;
    }
    let f: Finding = { ...prev, ...observed, lastSeenAt: report.observedAt };
    const operatorSaidNo = prev.status === 'not_affected' && prev.notAffected?.reason === 'operator_assessment';
    if (prev.status === 'fixed' || (prev.status === 'not_affected' && !operatorSaidNo)) {
      const t = reopenFinding(f, report.observedAt, report.id);
      f = t.finding;
      events.push(t.event);
    }
    upserts.set(id, f);
  }

  for (const prev of input.existing) {
    if (seen.has(prev.id) || !inScope(prev, input.scope)) continue;
    if (prev.status !== 'open' && prev.status !== 'accepted_risk') continue;
    if (input.scope.kind === 'advisory') {
      const reason = input.scope.withdrawn ? 'advisory_withdrawn' : 'advisory_revised';
      const f: Finding = { ...prev, status: 'not_affected', notAffected: { reason, decidedAt: report.observedAt }, exception: null, resolvedAt: report.observedAt };
      upserts.set(f.id, f);
      events.push({ findingId: f.id, deviceId: f.deviceId, at: report.observedAt, kind: 'not_affected', from: prev.status, to: 'not_affected', actor: null, detail: { reason, importId: report.id } });
      continue;
    }
    const now = input.current(prev);
    let evidence: { kind: 'upgraded' | 'removed' | 'superseded'; installedVersion: string | null } | null = null;
    if (now.kind === 'absent') evidence = { kind: 'removed', installedVersion: null };
    else if (now.kind === 'superseded') evidence = { kind: 'superseded', installedVersion: now.by };
    else if (prev.source === 'osv' || now.version !== prev.installedVersion) evidence = { kind: 'upgraded', installedVersion: now.version };
    if (!evidence) continue;
    const t = fixFinding(prev, { ...evidence, inventoryReportId: report.id, observedAt: report.observedAt });
    upserts.set(t.finding.id, t.finding);
    events.push(t.event);
  }
  return { upserts: [...upserts.values()], events };
}

/** Recomputes score and due date of active findings after a KEV/EPSS import or an asset change. */
export function rescore(findings: readonly Finding[], facts: (f: Finding) => FindingFacts, scoring: ScoringContext, at: string): ReconcileResult {
  const upserts: Finding[] = [];
  const events: FindingEvent[] = [];
  for (const f of findings) {
    if (f.status !== 'open' && f.status !== 'accepted_risk') continue;
    const a = assess(facts(f), f.deviceId, f.firstSeenAt, scoring);
    if (a.score.total === f.score.total && a.score.priority === f.score.priority && a.dueAt === f.dueAt) continue;
    upserts.push({ ...f, threat: a.threat, score: a.score, dueAt: a.dueAt, dueRule: a.dueRule });
    events.push({
      findingId: f.id, deviceId: f.deviceId, at, kind: 'rescored', from: f.status, to: f.status, actor: null,
      detail: { total: [f.score.total, a.score.total], priority: [f.score.priority, a.score.priority], dueAt: [f.dueAt, a.dueAt] },
    });
  }
  return { upserts, events };
}

/** Facts of a stored finding, for rescoring without a new match. */
export function factsOfFinding(f: Finding): FindingFacts {
  return { source: f.source, cves: f.cves, cvss: f.cvss, severity: f.severity, publishedAt: f.advisoryPublishedAt };
}
