import type { FindingState } from '@patchwave/shared';
import type { ExpressionBuilder, Expression, SqlBool } from 'kysely';
import { sql } from 'kysely';
import type { Finding } from '../../../domain/findings/finding.js';
import type { Database } from '../schema.js';

/** Column values of a finding: what queries filter and sort on; `data_json` holds the whole record. */
export function findingColumns(f: Finding, at: string) {
  return {
    id: f.id,
    device_id: f.deviceId,
    advisory_id: f.advisoryId,
    source: f.source,
    grp: f.group,
    status: f.status,
    priority: f.score.priority,
    score: f.score.total,
    severity: f.severity,
    kev: f.threat.kev ? 1 : 0,
    due_at: f.dueAt,
    first_seen_at: f.firstSeenAt,
    last_seen_at: f.lastSeenAt,
    published_at: f.advisoryPublishedAt,
    resolved_at: f.resolvedAt,
    fixed_at: f.status === 'fixed' && f.evidence ? f.evidence.observedAt : null,
    exception_approved_at: f.exception?.approvedAt ?? null,
    exception_expires_at: f.exception?.expiresAt ?? null,
    data_json: JSON.stringify(f),
    updated_at: at,
  };
}

export const parseFinding = (json: string): Finding => JSON.parse(json) as Finding;

type Eb = ExpressionBuilder<Database, 'findings'>;

/** Open or accepted with an exception no longer valid at `now`: needs fixing (phase 1's `isActive`). */
function activeAt(eb: Eb, now: string): Expression<SqlBool> {
  return eb.or([
    eb('findings.status', '=', 'open'),
    eb.and([eb('findings.status', '=', 'accepted_risk'), eb.or([eb('findings.exception_expires_at', 'is', null), eb('findings.exception_expires_at', '<=', now)])]),
  ]);
}

/** SQL for `findingState(f, now) ∈ states`; times are ISO-8601 UTC text, so they compare as strings. */
export function stateIn(eb: Eb, states: readonly FindingState[], now: string): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  for (const s of new Set(states)) {
    if (s === 'fixed' || s === 'not_affected') parts.push(eb('findings.status', '=', s));
    else if (s === 'accepted_risk') parts.push(eb.and([eb('findings.status', '=', 'accepted_risk'), eb('findings.exception_expires_at', '>', now)]));
    else if (s === 'overdue') parts.push(eb.and([activeAt(eb, now), eb('findings.due_at', '<', now)]));
    else parts.push(eb.and([activeAt(eb, now), eb('findings.due_at', '>=', now)]));
  }
  return parts.length === 0 ? sql<SqlBool>`0` : eb.or(parts);
}

/** A finding whose package group, or one of whose binaries, is named `name`. */
export function packageNamed(eb: Eb, name: string): Expression<SqlBool> {
  return eb.or([
    eb('findings.grp', '=', name),
    sql<SqlBool>`EXISTS (SELECT 1 FROM json_each(findings.data_json, '$.binaries') WHERE json_extract(value, '$.name') = ${name})`,
  ]);
}
