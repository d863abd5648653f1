import type { CvssScore, FindingSeverity, FindingSource, RiskScore } from '@patchwave/shared';
import type { Advisory } from '../advisories/advisory.js';
import { cveIdsOf } from '../advisories/advisory.js';
import { primaryCvss } from '../advisories/cvss.js';
import { summarizeThreat } from '../advisories/threat-intel.js';
import type { ThreatIntel, ThreatSummary } from '../advisories/threat-intel.js';
import type { MatchHit } from '../matching/matcher.js';
import type { SecurityHit } from '../matching/security-updates.js';
import { DEFAULT_RISK_MODEL, scoreRisk } from './risk-score.js';
import type { AssetContext, RiskModel } from './risk-score.js';
import { findingSeverity, severityFromLabel, severityFromManager } from './severity.js';
import { DEFAULT_SLA_POLICY, computeDueDate } from './sla.js';
import type { SlaPolicy } from './sla.js';

/** What is known about the vulnerability behind a hit, independent of the device. */
export interface FindingFacts {
  source: FindingSource;
  cves: string[];
  cvss: CvssScore | null;
  severity: FindingSeverity;
  publishedAt: string | null;
}

export type AdvisoryLookup = (id: string) => Advisory | undefined;

function isSecurityHit(hit: MatchHit | SecurityHit): hit is SecurityHit {
  return 'source' in hit;
}

/**
 * Facts for a hit: from the OSV advisory it came from, or from the package manager's metadata
 * (enriched by a stored advisory of the same id when there is one, e.g. an RHSA imported from OSV).
 */
export function factsForHit(hit: MatchHit | SecurityHit, advisories: AdvisoryLookup): FindingFacts {
  const advisory = advisories(hit.advisoryId);
  if (!isSecurityHit(hit)) {
    if (!advisory) return { source: 'osv', cves: [], cvss: null, severity: 'unknown', publishedAt: null };
    const cvss = primaryCvss(advisory.cvss);
    return { source: 'osv', cves: advisory.cves, cvss, severity: findingSeverity(cvss, severityFromLabel(advisory.severityLabel)), publishedAt: advisory.published };
  }
  const cvss = advisory ? primaryCvss(advisory.cvss) : null;
  const label = hit.severity ? severityFromManager(hit.severity) : severityFromLabel(advisory?.severityLabel);
  return {
    source: hit.source,
    cves: cveIdsOf([...hit.cves, ...(advisory?.cves ?? [])]),
    cvss,
    severity: findingSeverity(cvss, label),
    publishedAt: advisory?.published ?? null,
  };
}

export interface ScoringContext {
  intel: ThreatIntel;
  asset: (deviceId: string) => AssetContext;
  policy?: SlaPolicy;
  model?: RiskModel;
}

export interface Assessment {
  threat: ThreatSummary;
  score: RiskScore;
  dueAt: string;
  dueRule: string;
}

/** Score and due date of a finding: recomputed whenever facts, threat data or the asset change. */
export function assess(facts: FindingFacts, deviceId: string, firstSeenAt: string, ctx: ScoringContext): Assessment {
  const threat = summarizeThreat(facts.cves, ctx.intel);
  const score = scoreRisk(
    {
      cvss: facts.cvss,
      severity: facts.severity,
      epss: threat.epss ? { probability: threat.epss.probability, scoreDate: threat.epss.scoreDate, cve: threat.epss.cve } : null,
      kev: threat.kev ? { cve: threat.kev.cve, dateAdded: threat.kev.dateAdded, knownRansomware: threat.kev.knownRansomware } : null,
      asset: ctx.asset(deviceId),
    },
    ctx.model ?? DEFAULT_RISK_MODEL,
  );
  const due = computeDueDate({ firstSeenAt, severity: facts.severity, kev: threat.kev }, ctx.policy ?? DEFAULT_SLA_POLICY);
  return { threat, score, dueAt: due.dueAt, dueRule: due.rule };
}
