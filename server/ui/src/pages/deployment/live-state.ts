import type { DeploymentStreamEvent, DeploymentView, DeviceJobView } from '@patchwave/shared';

/**
 * How one server-sent event changes what the live view shows. Pure, so it is tested without a
 * browser. The snapshot replaces everything; deployment and wave events carry their new state
 * (and the halt reason, the gate verdict with its numbers) and apply at once; a job event updates
 * its row. Counts and live gate numbers are the server's to compute: `refetch` says when the view
 * should be read again (coalesced by the caller), never on a timer.
 */
export interface LiveState {
  view: DeploymentView | undefined;
  jobs: DeviceJobView[] | undefined;
  /** Sequence number of the last event applied. */
  seq: number;
}

export interface Applied {
  state: LiveState;
  refetch: { view: boolean; jobs: boolean; plan: boolean };
}

const none = { view: false, jobs: false, plan: false };

export function applyEvent(state: LiveState, event: DeploymentStreamEvent): Applied {
  if (event.type === 'heartbeat') return { state, refetch: none };
  if (event.type === 'snapshot') return { state: { ...state, view: event.deployment, seq: event.seq }, refetch: { view: false, jobs: true, plan: true } };
  const view = state.view;
  if (!view) return { state, refetch: { view: true, jobs: true, plan: false } };
  if (event.type === 'deployment.updated') {
    const next: DeploymentView = { ...view, state: event.state, currentWave: event.currentWave, updatedAt: event.at };
    if (event.haltReason !== undefined) next.haltReason = event.haltReason;
    else if (event.state !== 'halted') delete next.haltReason;
    return { state: { ...state, view: next, seq: event.seq }, refetch: { view: true, jobs: false, plan: false } };
  }
  if (event.type === 'wave.updated') {
    const waves = view.waves.map((w) => (w.index === event.wave ? { ...w, state: event.state, ...(event.gate ? { gate: event.gate } : {}) } : w));
    return { state: { ...state, view: { ...view, waves }, seq: event.seq }, refetch: { view: true, jobs: false, plan: false } };
  }
  // job.updated
  if (event.kind === 'plan') return { state: { ...state, seq: event.seq }, refetch: { view: false, jobs: false, plan: true } };
  const known = state.jobs?.some((j) => j.jobId === event.jobId) ?? false;
  const jobs = state.jobs?.map((j) =>
    j.jobId === event.jobId
      ? { ...j, state: event.state, updatedAt: event.at, ...(event.errorCode ? { errorCode: event.errorCode } : {}), ...(event.message !== undefined ? { message: event.message } : {}) }
      : j,
  );
  return { state: { ...state, ...(jobs ? { jobs } : {}), seq: event.seq }, refetch: { view: true, jobs: !known, plan: false } };
}
