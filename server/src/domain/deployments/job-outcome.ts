import type { DeviceJobView, ErrorCode, SafetyReport } from '@patchwave/shared';
import type { DeviceJobRecord, StoredJobResult } from './ports.js';

export type JobOutcome = NonNullable<DeviceJobView['outcome']>;

const FAILURE_STATES = new Set(['failed', 'timed_out', 'interrupted']);

/** What goes into the audit entry of a result: which probes broke and what the automatic rollback did. */
export function safetySummary(s: SafetyReport): Record<string, unknown> {
  return {
    preflight: s.preflight.filter((p) => !p.ok).map((p) => `${p.check}: ${p.detail}`),
    failingBefore: s.before.filter((p) => !p.ok).map((p) => p.name),
    broken: s.broken,
    ...(s.autoRollback ? { autoRollback: s.autoRollback.status, healthyAfterRollback: s.autoRollback.after.every((p) => p.ok) } : {}),
  };
}

const LABEL_BY_CODE: Partial<Record<ErrorCode, string>> = {
  E_HEALTH_CHECK_FAILED: 'health',
  E_HEALTH_ALREADY_FAILING: 'already unhealthy before the change',
  E_PREFLIGHT_FAILED: 'pre-flight',
  E_PKG_HELD: 'held package',
};

/**
 * The job's ending as people read it: `failed: health` (a probe that passed before broke after
 * applying; counts against the gates), `skipped: already unhealthy before the change` (not blamed
 * on the patch), `succeeded`; with the automatic rollback's result when the agent did one.
 */
export function jobOutcome(job: DeviceJobRecord, stored: StoredJobResult | null): JobOutcome | undefined {
  if (job.state === 'pending' || job.state === 'offered' || job.state === 'accepted' || job.state === 'running') return undefined;
  const why = job.errorCode ? LABEL_BY_CODE[job.errorCode] : undefined;
  const rollback = stored?.result.safety?.autoRollback?.status;
  const counts: JobOutcome['counts'] = job.state === 'succeeded' ? 'success' : FAILURE_STATES.has(job.state) ? 'failure' : 'nothing';
  const label = why ? `${job.state.replace('_', ' ')}: ${why}` : job.state.replace('_', ' ');
  return { label: rollback ? `${label} (automatic rollback ${rollback})` : label, counts, ...(rollback ? { autoRollback: rollback } : {}) };
}
