import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { DeploymentLoop } from './deployment-loop.js';
import type { TickReport } from './orchestrator.js';
import type { LoopTimers } from './runtime-ports.js';

/** Timers the test fires by hand, reading their delays. */
class ManualTimers implements LoopTimers {
  pending: { fn: () => void; ms: number }[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    const t = { fn, ms };
    this.pending.push(t);
    return t;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t !== handle);
  }

  /** The one timer set, if any. */
  get next(): { fn: () => void; ms: number } | undefined {
    expect(this.pending.length).toBeLessThanOrEqual(1);
    return this.pending[0];
  }

  fire(): void {
    const t = this.pending.shift();
    if (!t) throw new Error('no timer to fire');
    t.fn();
  }
}

/** An orchestrator whose passes the test finishes by hand. */
class HeldPasses {
  passes = 0;
  private release: (() => void) | null = null;

  tick(): Promise<TickReport> {
    this.passes++;
    return new Promise((resolve) => {
      this.release = () => resolve({ started: [], offered: 0, timedOut: 0, wakeAt: null });
    });
  }

  async finish(): Promise<void> {
    const r = this.release;
    this.release = null;
    r?.();
    // Let the loop see the end of the pass and schedule the next one.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

function setup() {
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const timers = new ManualTimers();
  const orchestrator = new HeldPasses();
  const loop = new DeploymentLoop(orchestrator, clock, pino({ level: 'silent' }), { intervalMs: 5_000, pokeGapMs: 250, timers });
  return { clock, timers, orchestrator, loop };
}

describe('DeploymentLoop', () => {
  it('runs a pass at once when poked by an operator action, even right after a pass', async () => {
    const { clock, timers, orchestrator, loop } = setup();
    loop.start();
    timers.fire();
    loop.pokeSoon();
    loop.poke();
    await orchestrator.finish();
    expect(timers.next?.ms).toBe(0);
    timers.fire();
    await orchestrator.finish();
    clock.advance(10);
    loop.poke();
    expect(timers.next?.ms).toBe(0);
    expect(orchestrator.passes).toBe(2);
  });

  it('runs a pass at once when a result comes after a quiet spell', async () => {
    const { clock, timers, orchestrator, loop } = setup();
    loop.start();
    timers.fire();
    await orchestrator.finish();
    expect(timers.next?.ms).toBe(5_000);
    clock.advance(1_000);
    loop.pokeSoon();
    expect(timers.next?.ms).toBe(0);
    timers.fire();
    expect(orchestrator.passes).toBe(2);
  });

  it('gives a burst of pokes one pass, no sooner than pokeGapMs after the previous one', async () => {
    const { clock, timers, orchestrator, loop } = setup();
    loop.start();
    timers.fire();
    // Pokes during a pass ask for one more pass, a gap after this one ends.
    for (let i = 0; i < 50; i++) loop.pokeSoon();
    clock.advance(40);
    await orchestrator.finish();
    expect(timers.next?.ms).toBe(250);
    // Pokes meanwhile keep that pass, they do not add any.
    clock.advance(100);
    for (let i = 0; i < 50; i++) loop.pokeSoon();
    expect(timers.pending).toHaveLength(1);
    timers.fire();
    expect(orchestrator.passes).toBe(2);
    await orchestrator.finish();
    // A poke right after that pass waits out the gap too.
    clock.advance(10);
    loop.pokeSoon();
    expect(timers.next?.ms).toBe(240);
  });

  it('keeps an earlier due pass rather than postponing it', async () => {
    const { clock, timers, orchestrator, loop } = setup();
    loop.start();
    timers.fire();
    await orchestrator.finish();
    clock.advance(1_000);
    loop.pokeSoon();
    expect(timers.next?.ms).toBe(0);
    // A second poke before the timer fires changes nothing.
    loop.pokeSoon();
    expect(timers.pending).toHaveLength(1);
    expect(timers.next?.ms).toBe(0);
  });

  it('never waits more than one gap, even when the clock is set back', async () => {
    const { clock, timers, orchestrator, loop } = setup();
    loop.start();
    timers.fire();
    await orchestrator.finish();
    clock.set('2026-03-01T10:00:00.000Z');
    loop.pokeSoon();
    expect(timers.next?.ms).toBe(250);
  });
});
