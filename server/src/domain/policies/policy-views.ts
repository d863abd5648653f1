import type { PolicyRunView } from '@patchwave/shared';
import type { PolicyRunRecord } from './ports.js';

export function toRunView(r: PolicyRunRecord): PolicyRunView {
  return {
    id: r.id,
    policyId: r.policyId,
    trigger: r.trigger,
    timeZones: r.timeZones,
    scheduledFor: r.scheduledFor?.toISOString() ?? null,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    outcome: r.outcome,
    deploymentId: r.deploymentId,
    devices: r.devices,
    packages: r.packages,
    deferred: r.deferred,
    expedited: r.expedited,
    reasons: r.reasons,
    blockers: r.blockers,
  };
}
