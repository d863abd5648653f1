import type { DeploymentState } from '@patchwave/shared';
import { IllegalTransitionError, StateMachine } from './transition-table.js';

export const DEPLOYMENT_EVENTS = [
  'submit',
  'approve',
  'reject',
  'schedule',
  'start',
  'promote',
  'complete',
  'pause',
  'halt',
  'resume',
  'skip_gates',
  'abort',
] as const;
export type DeploymentEvent = (typeof DEPLOYMENT_EVENTS)[number];

/**
 * Deployment lifecycle (diagram in README.md). `schedule` is for deployments that need no approval;
 * the service checks `spec.approval.required` before choosing `submit` or `schedule`.
 */
export const deploymentMachine = new StateMachine<DeploymentState, DeploymentEvent>('deployment', {
  draft: { submit: 'awaiting_approval', schedule: 'scheduled', abort: 'aborted' },
  awaiting_approval: { approve: 'scheduled', reject: 'draft', abort: 'aborted' },
  scheduled: { start: 'running', abort: 'aborted' },
  running: { promote: 'running', complete: 'completed', pause: 'paused', halt: 'halted', abort: 'aborted' },
  paused: { resume: 'running', halt: 'halted', abort: 'aborted' },
  halted: { resume: 'running', skip_gates: 'running', abort: 'aborted' },
  completed: {},
  aborted: {},
});

/** Where a deployment is: its state and, once started, the wave it is on. */
export interface DeploymentStatus {
  state: DeploymentState;
  currentWave: number | null;
}

/**
 * Applies an event to a status: `start` enters wave 0, `promote` moves to the next wave (illegal
 * on the last one), `complete` is legal only on the last wave, and terminal states clear the wave.
 */
export function applyDeploymentEvent(status: DeploymentStatus, event: DeploymentEvent, waveCount: number): DeploymentStatus {
  const state = deploymentMachine.next(status.state, event);
  const wave = status.currentWave ?? 0;
  const illegal = (why: string) =>
    new IllegalTransitionError('deployment', status.state, event, deploymentMachine.allowed(status.state), why);
  switch (event) {
    case 'start':
      if (waveCount < 1) throw illegal('it has no waves');
      return { state, currentWave: 0 };
    case 'promote':
      if (wave + 1 >= waveCount) throw illegal(`wave ${wave} is the last one; use "complete"`);
      return { state, currentWave: wave + 1 };
    case 'complete':
      if (wave !== waveCount - 1) throw illegal(`wave ${wave} of ${waveCount} is not the last one`);
      return { state, currentWave: null };
    case 'abort':
      return { state, currentWave: null };
    default:
      return { state, currentWave: status.currentWave };
  }
}
