import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { csrfTokenFor, csrfTokenMatches } from './csrf.js';
import { FailureThrottle } from './failure-throttle.js';
import { sessionAlive } from './session.js';

describe('FailureThrottle', () => {
  it('locks a key after too many failures inside the window, for the lock time, and forgets old failures', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const t = new FailureThrottle({ maxFailures: 3, windowMs: 60_000, lockMs: 300_000 }, clock);
    expect(t.fail('1.2.3.4')).toBe(0);
    clock.advance(61_000); // the first failure leaves the window
    expect(t.fail('1.2.3.4')).toBe(0);
    expect(t.fail('1.2.3.4')).toBe(0);
    expect(t.fail('1.2.3.4')).toBe(300_000);
    expect(t.retryAfterMs('1.2.3.4')).toBe(300_000);
    expect(t.retryAfterMs('5.6.7.8')).toBe(0);
    t.succeed('1.2.3.4'); // a success does not lift a lock in force
    clock.advance(299_999);
    expect(t.retryAfterMs('1.2.3.4')).toBe(1);
    clock.advance(1);
    expect(t.retryAfterMs('1.2.3.4')).toBe(0);
  });
});

describe('CSRF tokens', () => {
  it('are bound to the session secret and compared in constant time', () => {
    const a = csrfTokenFor('pws_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(csrfTokenMatches('pws_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', a)).toBe(true);
    expect(csrfTokenMatches('pws_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', a)).toBe(false);
    expect(csrfTokenMatches('pws_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', undefined)).toBe(false);
    expect(csrfTokenMatches('pws_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', `${a}x`)).toBe(false);
  });
});

describe('sessionAlive', () => {
  it('ends at the absolute expiry and after the idle time, whichever comes first', () => {
    const policy = { absoluteMs: 10_000, idleMs: 3_000 };
    const s = { expiresAt: new Date(10_000), lastSeenAt: new Date(8_000) };
    expect(sessionAlive(s, policy, new Date(9_000))).toBe(true);
    expect(sessionAlive(s, policy, new Date(10_000))).toBe(false);
    expect(sessionAlive({ ...s, lastSeenAt: new Date(1_000) }, policy, new Date(4_000))).toBe(false);
  });
});
