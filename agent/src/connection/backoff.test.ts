import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff, DEFAULT_BACKOFF_CAP_MS } from './backoff.js';
import { ManualClock } from './clock.js';

describe('Backoff (full jitter)', () => {
  it('draws each delay uniformly below min(cap, base * 2^n)', () => {
    const highest = new Backoff({ baseMs: 1000, capMs: 300_000, random: () => 0.999999 });
    const ceilings = Array.from({ length: 12 }, () => highest.next());
    expect(ceilings.slice(0, 9)).toEqual([999, 1999, 3999, 7999, 15_999, 31_999, 63_999, 127_999, 255_999]);
    expect(ceilings.slice(9)).toEqual([299_999, 299_999, 299_999]);

    const lowest = new Backoff({ random: () => 0 });
    expect(Array.from({ length: 5 }, () => lowest.next())).toEqual([0, 0, 0, 0, 0]);

    const half = new Backoff({ baseMs: 1000, random: () => 0.5 });
    expect([half.next(), half.next(), half.next()]).toEqual([500, 1000, 2000]);
  });

  it('never exceeds the 5 minute cap and never goes negative, whatever the random source says', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: false }), { minLength: 1, maxLength: 80 }), (draws) => {
        let i = 0;
        const backoff = new Backoff({ random: () => draws[i++ % draws.length] ?? 0 });
        for (let n = 0; n < 80; n++) {
          const d = backoff.next();
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(DEFAULT_BACKOFF_CAP_MS);
          expect(Number.isInteger(d)).toBe(true);
        }
      }),
    );
  });

  it('spreads delays over the whole window (full jitter, not equal jitter)', () => {
    const draws = [0.01, 0.25, 0.75, 0.99];
    const seen = draws.map((r) => {
      const b = new Backoff({ baseMs: 1000, random: () => r });
      for (let n = 0; n < 4; n++) b.next();
      return b.next(); // ceiling 16 s
    });
    expect(seen).toEqual([160, 4000, 12_000, 15_840]);
  });

  it('starts again from the base after reset', () => {
    const b = new Backoff({ baseMs: 1000, random: () => 0.999 });
    for (let n = 0; n < 10; n++) b.next();
    expect(b.attempts).toBe(10);
    expect(b.ceiling()).toBe(300_000);
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(999);
  });

  it('rejects a nonsensical configuration', () => {
    expect(() => new Backoff({ baseMs: 0 })).toThrow(/baseMs/);
    expect(() => new Backoff({ baseMs: 10, capMs: 5 })).toThrow(/capMs/);
  });
});

describe('ManualClock', () => {
  it('fires timers in due order only when advanced, including timers set by timers', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@300'), 300);
    const cancelled = clock.setTimeout(() => fired.push('never'), 200);
    clock.setTimeout(() => {
      fired.push('a@100');
      clock.setTimeout(() => fired.push('c@150'), 50);
    }, 100);
    clock.clearTimeout(cancelled);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(301);
    expect(fired).toEqual(['a@100', 'c@150', 'b@300']);
    expect(clock.now()).toBe(1400);
    expect(clock.pending()).toEqual([]);
  });
});
