import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDeploymentHarness, type DeploymentHarness } from '../../testing/deployment-harness.js';
import { AuditLog } from '../audit/audit-log.js';
import { cronOccurrences } from '../deployments/cron.js';
import type { LoopTimers } from '../deployments/runtime-ports.js';
import { PolicyLoop } from './policy-loop.js';
import { createPolicyServices, type PolicyServices } from './policy-services.js';

/** Timers the test fires by hand; it sees each delay asked for. */
class HandTimers implements LoopTimers {
  pending: { fn: () => void; ms: number } | null = null;
  setTimeout(fn: () => void, ms: number): unknown {
    this.pending = { fn, ms };
    return this.pending;
  }
  clearTimeout(handle: unknown): void {
    if (handle === this.pending) this.pending = null;
  }
  fire(): void {
    const p = this.pending;
    this.pending = null;
    p?.fn();
  }
}

let h: DeploymentHarness;
let p: PolicyServices;
beforeEach(async () => {
  h = await openDeploymentHarness('2026-03-02T10:00:00.000Z');
  p = createPolicyServices({ store: h.temp.store, audit: new AuditLog(h.temp.store.audit, h.clock), clock: h.clock, log: pino({ level: 'silent' }), deployments: h.services, cron: cronOccurrences });
});
afterEach(async () => {
  await h.close();
});

describe('policy loop', () => {
  it('passes at once when started and runs what is due; stop waits for the pass and leaves no timer', async () => {
    h.clock.set('2026-03-02T09:59:00Z');
    await p.policies.create({ name: 'utc', scope: { tags: ['web'] }, schedule: { recurrence: { kind: 'weekly', days: ['mon'], time: '10:00' }, timeZone: 'UTC' } }, { id: 'op', name: 'op', actor: 'api-token:op' });
    const timers = new HandTimers();
    const loop = new PolicyLoop(p.runner, pino({ level: 'silent' }), { intervalMs: 30_000, timers });
    loop.start();
    expect(timers.pending?.ms).toBe(0);
    h.clock.set('2026-03-02T10:00:20Z');
    timers.fire();
    await loop.stop();
    // The pass ran (the Monday 10:00 occurrence, nothing in scope) and the stopped loop left no timer.
    const runs = await p.policies.runs('utc', { limit: 10, offset: 0 });
    expect(runs.items.map((r) => [r.trigger, r.outcome, r.scheduledFor])).toEqual([['schedule', 'nothing-to-do', '2026-03-02T10:00:00.000Z']]);
    expect(timers.pending).toBeNull();
  });
});
