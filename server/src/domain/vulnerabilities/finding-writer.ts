import type { AssetCriticality } from '@patchwave/shared';
import { AssetCriticality as AssetCriticalitySchema } from '@patchwave/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { ScoringContext } from '../findings/assess.js';
import type { Finding, FindingEvent } from '../findings/finding.js';
import type { AssetContext } from '../findings/risk-score.js';
import type { Repositories } from '../store.js';
import type { VulnerabilityConfig } from './config.js';
import type { AssetFacts, ExceptionEnd, StoredFindingEvent } from './ports.js';

export interface FindingChanges {
  upserts: readonly Finding[];
  events: readonly FindingEvent[];
}

/** Asset context of the risk score: the device's criticality attribute and its internet-facing tag. */
export function assetContext(facts: AssetFacts | undefined, internetFacingTag: string): AssetContext {
  const crit = AssetCriticalitySchema.safeParse(facts?.criticality);
  return { criticality: crit.success ? (crit.data satisfies AssetCriticality) : null, internetFacing: facts?.tags.includes(internetFacingTag) ?? false };
}

/** Scoring inside a transaction: stored KEV/EPSS, the device's asset facts, the configured SLA and model. */
export function scoringContext(tx: Repositories, config: VulnerabilityConfig): ScoringContext {
  return {
    intel: tx.matching.intel,
    asset: (deviceId) => assetContext(tx.matching.asset(deviceId), config.internetFacingTag),
    policy: config.sla,
    model: config.riskModel,
  };
}

function exceptionEnd(e: FindingEvent): ExceptionEnd | null {
  if (e.from !== 'accepted_risk' || e.to === 'accepted_risk') return null;
  if (e.kind === 'fixed') return 'fixed';
  if (e.kind === 'not_affected') return 'not_affected';
  if (e.kind === 'exception_revoked') return e.detail.reason === 'expired' ? 'expired' : 'revoked';
  return null;
}

/**
 * Stores finding changes in the caller's transaction: the rows, their events (finding history),
 * one audit-log entry per event, the end of any exception a transition ended, and the maintained
 * compliance counts of the devices touched. `actor` stands in for events without one (the device
 * whose inventory was the evidence, the operator who imported a feed).
 */
export async function persistFindings(
  tx: Repositories,
  audit: AuditLog,
  changes: FindingChanges,
  now: string,
  actor: string,
): Promise<StoredFindingEvent[]> {
  if (changes.upserts.length === 0 && changes.events.length === 0) return [];
  const stored = await tx.findings.save(changes.upserts, changes.events, now);
  for (const e of stored) {
    const end = exceptionEnd(e);
    if (end) await tx.findings.endException(e.findingId, e.at, e.actor, end);
    await audit.record(tx.audit, {
      actor: e.actor ?? actor,
      action: `finding.${e.kind}`,
      target: `finding:${e.findingId}`,
      details: { deviceId: e.deviceId, from: e.from, to: e.to, eventId: e.id, ...e.detail },
    });
  }
  await tx.compliance.refreshDevices([...new Set([...changes.upserts.map((f) => f.deviceId), ...changes.events.map((e) => e.deviceId)])], now);
  return stored;
}
