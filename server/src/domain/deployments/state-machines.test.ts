import { DEPLOYMENT_STATES, DEVICE_JOB_STATES, JOB_RESULT_STATUSES } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { applyDeploymentEvent, DEPLOYMENT_EVENTS, deploymentMachine } from './deployment-machine.js';
import { DEVICE_JOB_EVENTS, deviceJobMachine, eventForResult } from './device-job-machine.js';
import { IllegalTransitionError } from './transition-table.js';

/** Every legal transition, written out once more by hand: the table must match it exactly. */
const DEPLOYMENT_EDGES = [
  'draft --submit--> awaiting_approval',
  'draft --schedule--> scheduled',
  'draft --abort--> aborted',
  'awaiting_approval --approve--> scheduled',
  'awaiting_approval --reject--> draft',
  'awaiting_approval --abort--> aborted',
  'scheduled --start--> running',
  'scheduled --abort--> aborted',
  'running --promote--> running',
  'running --complete--> completed',
  'running --pause--> paused',
  'running --halt--> halted',
  'running --abort--> aborted',
  'paused --resume--> running',
  'paused --halt--> halted',
  'paused --abort--> aborted',
  'halted --resume--> running',
  'halted --skip_gates--> running',
  'halted --abort--> aborted',
];

const DEVICE_JOB_EDGES = [
  'pending --offer--> offered',
  'pending --skip--> skipped',
  'pending --time_out--> timed_out',
  'offered --offer--> offered',
  'offered --accept--> accepted',
  'offered --start--> running',
  'offered --succeed--> succeeded',
  'offered --fail--> failed',
  'offered --interrupt--> interrupted',
  'offered --time_out--> timed_out',
  'offered --skip--> skipped',
  'accepted --start--> running',
  'accepted --succeed--> succeeded',
  'accepted --fail--> failed',
  'accepted --interrupt--> interrupted',
  'accepted --time_out--> timed_out',
  'accepted --skip--> skipped',
  'running --succeed--> succeeded',
  'running --fail--> failed',
  'running --interrupt--> interrupted',
  'running --time_out--> timed_out',
  'running --skip--> skipped',
  'succeeded --roll_back--> rolled_back',
  'failed --roll_back--> rolled_back',
  'interrupted --roll_back--> rolled_back',
  'timed_out --succeed--> succeeded',
  'timed_out --fail--> failed',
  'timed_out --interrupt--> interrupted',
  'timed_out --skip--> skipped',
  'timed_out --roll_back--> rolled_back',
];

const edge = ([from, event, to]: readonly string[]) => `${from} --${event}--> ${to}`;

describe('deployment state machine', () => {
  it('allows exactly the documented transitions', () => {
    expect(deploymentMachine.edges().map(edge).sort()).toEqual([...DEPLOYMENT_EDGES].sort());
    for (const e of DEPLOYMENT_EDGES) {
      const [from, event, to] = e.split(/ --|--> /) as [never, never, string];
      expect(deploymentMachine.next(from, event)).toBe(to);
    }
  });

  it('rejects every other (state, event) pair with a typed error', () => {
    let rejected = 0;
    for (const from of DEPLOYMENT_STATES) {
      for (const event of DEPLOYMENT_EVENTS) {
        if (DEPLOYMENT_EDGES.some((e) => e.startsWith(`${from} --${event}-->`))) continue;
        const err = (() => {
          try {
            deploymentMachine.next(from, event);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(err).toBeInstanceOf(IllegalTransitionError);
        expect(err).toMatchObject({ code: 'E_ILLEGAL_TRANSITION', machine: 'deployment', from, event });
        rejected++;
      }
    }
    expect(rejected).toBe(DEPLOYMENT_STATES.length * DEPLOYMENT_EVENTS.length - DEPLOYMENT_EDGES.length);
  });

  it('explains an illegal transition with the allowed events', () => {
    expect(() => deploymentMachine.next('running', 'approve')).toThrow(
      'deployment cannot "approve" while "running"; allowed: promote, complete, pause, halt, abort',
    );
    expect(() => deploymentMachine.next('completed', 'resume')).toThrow('deployment cannot "resume" while "completed"; allowed: nothing: it is final');
    expect(deploymentMachine.finalStates()).toEqual(['completed', 'aborted']);
  });

  it('tracks the wave: start enters wave 0, promote moves on, complete only on the last wave', () => {
    let s = applyDeploymentEvent({ state: 'scheduled', currentWave: null }, 'start', 3);
    expect(s).toEqual({ state: 'running', currentWave: 0 });
    expect(() => applyDeploymentEvent(s, 'complete', 3)).toThrow(/wave 0 of 3 is not the last one/);
    s = applyDeploymentEvent(s, 'promote', 3);
    s = applyDeploymentEvent(s, 'halt', 3);
    expect(s).toEqual({ state: 'halted', currentWave: 1 });
    s = applyDeploymentEvent(s, 'skip_gates', 3);
    s = applyDeploymentEvent(s, 'promote', 3);
    expect(s).toEqual({ state: 'running', currentWave: 2 });
    expect(() => applyDeploymentEvent(s, 'promote', 3)).toThrow(/wave 2 is the last one; use "complete"/);
    expect(applyDeploymentEvent(s, 'complete', 3)).toEqual({ state: 'completed', currentWave: null });
    expect(() => applyDeploymentEvent({ state: 'scheduled', currentWave: null }, 'start', 0)).toThrow(/it has no waves/);
  });
});

describe('device job state machine', () => {
  it('allows exactly the documented transitions', () => {
    expect(deviceJobMachine.edges().map(edge).sort()).toEqual([...DEVICE_JOB_EDGES].sort());
  });

  it('rejects every other (state, event) pair with a typed error', () => {
    let rejected = 0;
    for (const from of DEVICE_JOB_STATES) {
      for (const event of DEVICE_JOB_EVENTS) {
        if (DEVICE_JOB_EDGES.some((e) => e.startsWith(`${from} --${event}-->`))) continue;
        expect(() => deviceJobMachine.next(from, event)).toThrow(IllegalTransitionError);
        rejected++;
      }
    }
    expect(rejected).toBe(DEVICE_JOB_STATES.length * DEVICE_JOB_EVENTS.length - DEVICE_JOB_EDGES.length);
    expect(deviceJobMachine.finalStates()).toEqual(['skipped', 'rolled_back']);
  });

  it('maps every result status to an event that is legal from running', () => {
    for (const status of JOB_RESULT_STATUSES) {
      const event = eventForResult(status);
      if (status === 'cancelled') {
        expect(deviceJobMachine.next('accepted', event)).toBe('skipped');
      } else {
        expect(deviceJobMachine.can('running', event)).toBe(true);
      }
    }
    expect(eventForResult('rejected')).toBe('fail');
    expect(eventForResult('expired')).toBe('time_out');
  });
});
