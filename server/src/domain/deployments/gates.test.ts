import type { DeviceJobState } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { evaluateGates, type WaveDeviceStatus } from './gates.js';

const T0 = new Date('2026-03-02T01:00:00.000Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

function device(id: string, state: DeviceJobState, finishedMin: number | null = null, reboot?: { at: number; checkIn?: number }): WaveDeviceStatus {
  return {
    deviceId: id,
    state,
    finishedAt: finishedMin === null ? null : at(finishedMin),
    rebootedAt: reboot ? at(reboot.at) : null,
    checkedInAt: reboot?.checkIn !== undefined ? at(reboot.checkIn) : null,
  };
}

const ok = (n: number, finished = 10) => Array.from({ length: n }, (_, i) => device(`ok-${i}`, 'succeeded', finished));

describe('evaluateGates', () => {
  it('passes a finished wave with no gates configured, reporting each gate as off', () => {
    const out = evaluateGates({}, ok(3), at(20));
    expect(out.verdict).toBe('pass');
    expect(out.checks.map((c) => [c.gate, c.status])).toEqual([
      ['completion', 'pass'],
      ['minSample', 'off'],
      ['successRate', 'off'],
      ['failureBudget', 'off'],
      ['soak', 'off'],
      ['health', 'off'],
    ]);
  });

  it('waits for devices without an outcome, with no fixed time', () => {
    const out = evaluateGates({}, [...ok(2), device('a', 'offered'), device('b', 'running')], at(20));
    expect(out).toMatchObject({ verdict: 'wait', until: null });
    expect(out.reason).toBe('completion: 2 devices of 4 still without an outcome');
  });

  describe('minimum sample', () => {
    it('waits until enough results can still arrive, then passes', () => {
      const waiting = evaluateGates({ minSample: 3 }, [...ok(2), device('a', 'running')], at(20));
      expect(waiting.verdict).toBe('wait');
      expect(waiting.checks.find((c) => c.gate === 'minSample')?.detail).toBe('2 of 3 required results');
      expect(evaluateGates({ minSample: 3 }, ok(3), at(20)).verdict).toBe('pass');
    });

    it('breaches when the wave can no longer deliver the sample (time-outs are no results)', () => {
      const out = evaluateGates({ minSample: 5 }, [...ok(3), device('t1', 'timed_out', 12), device('t2', 'timed_out', 12)], at(20));
      expect(out.verdict).toBe('breach');
      expect(out.reason).toBe('minSample: only 3 of the 5 results the minimum sample needs can still arrive (3 results, 0 open, 5 devices in the wave)');
    });

    it('breaches an empty canary wave that needs a sample', () => {
      expect(evaluateGates({ minSample: 1 }, [], at(0)).verdict).toBe('breach');
    });
  });

  describe('success rate', () => {
    it('passes at exactly the threshold', () => {
      const devices = [...ok(19), device('f', 'failed', 11)];
      expect(evaluateGates({ minSuccessRate: 95 }, devices, at(20)).verdict).toBe('pass');
    });

    it('breaches below it with the numbers', () => {
      const devices = [...ok(8), device('f1', 'failed', 11), device('f2', 'interrupted', 12)];
      const out = evaluateGates({ minSuccessRate: 90 }, devices, at(20));
      expect(out).toMatchObject({ verdict: 'breach' });
      expect(out.reason).toBe('successRate: success rate 80% (8 of 10 succeeded; 1 failed, 1 interrupted) is below 90%');
    });

    it('breaches early once the threshold is out of reach, even with devices still running', () => {
      const devices = [...ok(2), device('f1', 'failed', 5), device('f2', 'failed', 6), device('r', 'running')];
      const out = evaluateGates({ minSuccessRate: 80 }, devices, at(7));
      expect(out.verdict).toBe('breach');
      expect(out.reason).toContain('success rate can no longer reach 80%');
      expect(out.reason).toContain('at best 60% with 1 open');
    });

    it('waits while the threshold is still reachable', () => {
      const out = evaluateGates({ minSuccessRate: 50 }, [...ok(1), device('f', 'failed', 5), device('r', 'accepted')], at(7));
      expect(out.verdict).toBe('wait');
      expect(out.checks.find((c) => c.gate === 'successRate')?.status).toBe('wait');
    });
  });

  describe('failure budget', () => {
    it('passes at the budget and breaches above it as soon as it is exceeded', () => {
      const two = [device('f1', 'failed', 1), device('t', 'timed_out', 2), device('r', 'running')];
      expect(evaluateGates({ maxFailures: 2 }, two, at(3)).verdict).toBe('wait');
      const three = [...two, device('i', 'interrupted', 3)];
      const out = evaluateGates({ maxFailures: 2 }, three, at(4));
      expect(out.verdict).toBe('breach');
      expect(out.reason).toBe('failureBudget: 3 failures (1 failed, 1 timed out, 1 interrupted) exceed the failure budget of 2');
    });

    it('does not count skipped or rolled-back devices', () => {
      const devices = [...ok(2), device('s', 'skipped'), device('r', 'rolled_back', 4)];
      expect(evaluateGates({ maxFailures: 0, minSuccessRate: 100 }, devices, at(20)).verdict).toBe('pass');
    });
  });

  describe('soak time', () => {
    it('waits from the last result and passes once it is over, on an injected clock', () => {
      const clock = new ManualClock(at(0));
      const devices = [device('a', 'succeeded', 5), device('b', 'succeeded', 12)];
      clock.set(at(13));
      const first = evaluateGates({ soakMinutes: 30 }, devices, clock.now());
      expect(first).toMatchObject({ verdict: 'wait', until: at(42) });
      expect(first.reason).toBe('soak: soaking 30 min after the last result (29 min left)');
      clock.set(at(41));
      expect(evaluateGates({ soakMinutes: 30 }, devices, clock.now()).verdict).toBe('wait');
      clock.set(at(42));
      expect(evaluateGates({ soakMinutes: 30 }, devices, clock.now()).verdict).toBe('pass');
    });

    it('does not start while devices are open', () => {
      const out = evaluateGates({ soakMinutes: 30 }, [device('a', 'succeeded', 5), device('b', 'running')], at(100));
      expect(out).toMatchObject({ verdict: 'wait', until: null });
    });
  });

  describe('health check-in after reboot', () => {
    it('waits for rebooted devices until their check-in deadline', () => {
      const devices = [device('a', 'succeeded', 10, { at: 10, checkIn: 13 }), device('b', 'succeeded', 11, { at: 11 })];
      const out = evaluateGates({ healthCheckMinutes: 15 }, devices, at(20));
      expect(out).toMatchObject({ verdict: 'wait', until: at(26) });
      expect(out.reason).toBe('health: 1 of 2 rebooted devices not checked in yet (15 min allowed)');
    });

    it('passes when every rebooted device checked in within T', () => {
      const devices = [device('a', 'succeeded', 10, { at: 10, checkIn: 13 }), device('b', 'succeeded', 11, { at: 11, checkIn: 26 }), ...ok(2)];
      expect(evaluateGates({ healthCheckMinutes: 15 }, devices, at(30)).verdict).toBe('pass');
    });

    it('breaches for a device that stayed silent past T or checked in late, naming them', () => {
      const devices = [device('a', 'succeeded', 10, { at: 10 }), device('b', 'succeeded', 10, { at: 10, checkIn: 40 }), device('c', 'succeeded', 10, { at: 10, checkIn: 12 })];
      const out = evaluateGates({ healthCheckMinutes: 15 }, devices, at(25));
      expect(out.verdict).toBe('breach');
      expect(out.reason).toBe('health: 2 devices of 3 rebooted did not check in within 15 min: a, b');
    });

    it('waits for a reboot scheduled in the future', () => {
      const out = evaluateGates({ healthCheckMinutes: 10 }, [device('a', 'succeeded', 5, { at: 60 })], at(20));
      expect(out).toMatchObject({ verdict: 'wait', until: at(70) });
    });
  });

  it('combines: a breach wins over waits and lists every breached gate', () => {
    const devices = [device('f1', 'failed', 1), device('f2', 'failed', 2), device('r', 'running')];
    const out = evaluateGates({ maxFailures: 1, minSuccessRate: 90, soakMinutes: 10 }, devices, at(3));
    expect(out.verdict).toBe('breach');
    expect(out.reason.split('; ').map((r) => r.split(':')[0])).toEqual(['successRate', 'failureBudget']);
  });

  it('takes the latest timed wait as the time to look again', () => {
    const devices = [device('a', 'succeeded', 10, { at: 10 }), device('b', 'succeeded', 12)];
    const out = evaluateGates({ soakMinutes: 5, healthCheckMinutes: 30 }, devices, at(13));
    expect(out).toMatchObject({ verdict: 'wait', until: at(40) });
  });

  it('lets an operator skip gates, and skipping completion judges only devices with an outcome', () => {
    const devices = [...ok(4), device('f', 'failed', 3), device('late', 'offered')];
    const breached = evaluateGates({ maxFailures: 0 }, devices, at(20));
    expect(breached.verdict).toBe('breach');
    const skipped = evaluateGates({ maxFailures: 0 }, devices, at(20), ['failureBudget', 'completion']);
    expect(skipped.verdict).toBe('pass');
    expect(skipped.checks.find((c) => c.gate === 'failureBudget')).toMatchObject({ status: 'skipped' });
    const rate = evaluateGates({ minSuccessRate: 75 }, devices, at(20), ['completion']);
    expect(rate.verdict).toBe('pass');
    expect(rate.checks.find((c) => c.gate === 'successRate')?.detail).toBe('success rate 80% (4 of 5), 75% needed');
  });
});
