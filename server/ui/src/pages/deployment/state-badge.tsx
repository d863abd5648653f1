import type { DeploymentState, DeviceJobState, WaveState } from '@patchwave/shared';

const DEPLOYMENT_TONE: Record<DeploymentState, string> = {
  draft: 'badge-muted',
  awaiting_approval: 'badge-warn',
  scheduled: 'badge-muted',
  running: 'badge-info',
  paused: 'badge-warn',
  halted: 'badge-danger',
  completed: 'badge-ok',
  aborted: 'badge-muted',
};

const WAVE_TONE: Record<WaveState, string> = { pending: 'badge-muted', running: 'badge-info', passed: 'badge-ok', halted: 'badge-danger', aborted: 'badge-muted' };

export const stateLabel = (state: string) => state.replaceAll('_', ' ');

export function DeploymentStateBadge({ state }: { state: DeploymentState }) {
  return (
    <span class={`badge ${DEPLOYMENT_TONE[state]}`} data-testid="deployment-state">
      {stateLabel(state)}
    </span>
  );
}

export function WaveStateBadge({ state }: { state: WaveState }) {
  return <span class={`badge ${WAVE_TONE[state]}`}>{state}</span>;
}

const JOB_TONE: Partial<Record<DeviceJobState, string>> = {
  succeeded: 'badge-ok',
  failed: 'badge-danger',
  timed_out: 'badge-danger',
  interrupted: 'badge-danger',
  running: 'badge-info',
  accepted: 'badge-info',
  rolled_back: 'badge-warn',
};

export function JobStateBadge({ state }: { state: DeviceJobState }) {
  return <span class={`badge ${JOB_TONE[state] ?? 'badge-muted'}`}>{stateLabel(state)}</span>;
}

/** Device outcomes of a wave or a deployment, summed from the per-state counts. */
export function tally(counts: Partial<Record<DeviceJobState, number>>): { done: number; succeeded: number; failed: number; active: number; total: number } {
  const n = (s: DeviceJobState) => counts[s] ?? 0;
  const succeeded = n('succeeded');
  const failed = n('failed') + n('timed_out') + n('interrupted');
  const done = succeeded + failed + n('skipped') + n('rolled_back');
  const active = n('offered') + n('accepted') + n('running');
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  return { done, succeeded, failed, active, total };
}
