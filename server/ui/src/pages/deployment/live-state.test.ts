import type { DeploymentView, DeviceJobView } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { applyEvent, type LiveState } from './live-state.js';

const at = '2026-03-01T10:00:00.000Z';

function view(overrides: Partial<DeploymentView> = {}): DeploymentView {
  return {
    id: 'd1',
    name: 'x',
    state: 'running',
    currentWave: 0,
    waveCount: 1,
    targetCount: 1,
    counts: {},
    createdBy: 'user:u1',
    createdAt: at,
    updatedAt: at,
    unassignedCount: 0,
    spec: {} as DeploymentView['spec'],
    waves: [{ index: 0, name: 'canary', state: 'running', select: { kind: 'rest' }, gates: {}, deviceCount: 1, counts: {}, skippedGates: [] }],
    ...overrides,
  } as DeploymentView;
}

const job = { jobId: 'j1', deploymentId: 'd1', deviceId: 'dev1', wave: 0, kind: 'apply', state: 'offered', attempts: 1, updatedAt: at } as DeviceJobView;
const start: LiveState = { view: view(), jobs: [job], seq: 1 };

describe('live deployment events', () => {
  it('a snapshot replaces the view and asks for the jobs and the dry run', () => {
    const fresh = view({ state: 'halted', haltReason: 'gate' });
    const out = applyEvent({ view: undefined, jobs: undefined, seq: -1 }, { type: 'snapshot', seq: 7, at, deployment: fresh });
    expect(out.state).toEqual({ view: fresh, jobs: undefined, seq: 7 });
    expect(out.refetch).toEqual({ view: false, jobs: true, plan: true });
  });

  it('a halt shows its reason at once; resuming clears it', () => {
    const halted = applyEvent(start, { type: 'deployment.updated', seq: 2, at, deploymentId: 'd1', state: 'halted', currentWave: 0, action: 'deployment.halt', actor: 'system', haltReason: 'wave 0: failureBudget breached' });
    expect(halted.state.view).toMatchObject({ state: 'halted', haltReason: 'wave 0: failureBudget breached' });
    expect(halted.refetch.view).toBe(true);
    const resumed = applyEvent(halted.state, { type: 'deployment.updated', seq: 3, at, deploymentId: 'd1', state: 'running', currentWave: 0, action: 'deployment.resume', actor: 'user:u1', reason: 'fixed' });
    expect(resumed.state.view?.haltReason).toBeUndefined();
  });

  it('a wave event carries the gate verdict with its numbers', () => {
    const gate = { verdict: 'breach' as const, reason: 'failureBudget', checks: [{ gate: 'failureBudget' as const, status: 'breach' as const, detail: '1 failure (1 failed)' }], evaluatedAt: at };
    const out = applyEvent(start, { type: 'wave.updated', seq: 2, at, deploymentId: 'd1', wave: 0, state: 'halted', gate });
    expect(out.state.view?.waves[0]).toMatchObject({ state: 'halted', gate });
  });

  it('a job event updates its row; an unknown job asks for the list; a plan job asks for the dry run only', () => {
    const failed = applyEvent(start, { type: 'job.updated', seq: 2, at, deploymentId: 'd1', jobId: 'j1', deviceId: 'dev1', wave: 0, kind: 'apply', state: 'failed', errorCode: 'E_PKG_SCRIPT_FAILED', message: 'dpkg failed' });
    expect(failed.state.jobs?.[0]).toMatchObject({ state: 'failed', errorCode: 'E_PKG_SCRIPT_FAILED', message: 'dpkg failed' });
    expect(failed.refetch).toEqual({ view: true, jobs: false, plan: false });
    const retry = applyEvent(failed.state, { type: 'job.updated', seq: 3, at, deploymentId: 'd1', jobId: 'j2', deviceId: 'dev1', wave: 0, kind: 'apply', state: 'offered' });
    expect(retry.refetch).toEqual({ view: true, jobs: true, plan: false });
    const plan = applyEvent(start, { type: 'job.updated', seq: 4, at, deploymentId: 'd1', jobId: 'p1', deviceId: 'dev1', wave: 0, kind: 'plan', state: 'succeeded' });
    expect(plan.refetch).toEqual({ view: false, jobs: false, plan: true });
    expect(applyEvent(start, { type: 'heartbeat', seq: 9, at }).state).toBe(start);
  });
});
