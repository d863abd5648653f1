import type { Clock } from '../clock.js';

export interface ThrottlePolicy {
  /** Failures within `windowMs` that lock the key. */
  maxFailures: number;
  windowMs: number;
  /** How long a lock lasts. */
  lockMs: number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/** Keys remembered at most; beyond it, entries without a lock or recent failure are dropped first. */
const MAX_KEYS = 100_000;

/**
 * Counts failures per key (a client address) and locks the key for a while after too many inside
 * a window: brute force from one address stops, whichever accounts or tokens it tries. In memory:
 * a restart forgets it, which costs an attacker a restart of the server they cannot cause.
 */
export class FailureThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until the key may try again; 0 when it is not locked. */
  retryAfterMs(key: string): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    return Math.max(0, entry.lockedUntil - this.clock.now().getTime());
  }

  /** Records a failure; returns the lock now in force in ms (0 when not locked). */
  fail(key: string): number {
    const now = this.clock.now().getTime();
    if (!this.entries.has(key) && this.entries.size >= MAX_KEYS) this.prune(now);
    const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
    entry.failures = entry.failures.filter((t) => now - t < this.policy.windowMs);
    entry.failures.push(now);
    if (entry.failures.length >= this.policy.maxFailures) {
      entry.lockedUntil = now + this.policy.lockMs;
      entry.failures = [];
    }
    this.entries.set(key, entry);
    return Math.max(0, entry.lockedUntil - now);
  }

  /** A success forgets the key's failures (not a lock in force). */
  succeed(key: string): void {
    const entry = this.entries.get(key);
    if (entry && entry.lockedUntil <= this.clock.now().getTime()) this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.lockedUntil <= now && entry.failures.every((t) => now - t >= this.policy.windowMs)) this.entries.delete(key);
    }
    // Still full (a flood of distinct addresses): forget the oldest half rather than grow without bound.
    if (this.entries.size >= MAX_KEYS) {
      let n = 0;
      for (const key of this.entries.keys()) {
        if (n++ >= MAX_KEYS / 2) break;
        this.entries.delete(key);
      }
    }
  }
}
