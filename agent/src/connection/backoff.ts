/** A source of uniform random numbers in [0, 1), injected so that tests are deterministic. */
export type RandomSource = () => number;

export interface BackoffOptions {
  /** First ceiling in ms (attempt 0 waits up to this). Default 1 s. */
  baseMs?: number;
  /** Largest ceiling in ms. Default 5 minutes. */
  capMs?: number;
  random?: RandomSource;
}

export const DEFAULT_BACKOFF_BASE_MS = 1_000;
export const DEFAULT_BACKOFF_CAP_MS = 5 * 60_000;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * the n-th delay is uniform in [0, min(cap, base * 2^n)). Full jitter spreads a fleet that lost its
 * server at the same moment, so the server is not hit by every agent at once when it comes back.
 */
export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: RandomSource;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.capMs = options.capMs ?? DEFAULT_BACKOFF_CAP_MS;
    this.random = options.random ?? Math.random;
    if (!(this.baseMs > 0) || !(this.capMs >= this.baseMs)) {
      throw new RangeError(`backoff needs 0 < baseMs <= capMs (got baseMs=${this.baseMs}, capMs=${this.capMs})`);
    }
  }

  /** Attempts made since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The ceiling for the current attempt: min(cap, base * 2^attempt). */
  ceiling(): number {
    // 2^attempt overflows to Infinity long after it passed the cap; min() keeps it finite.
    return Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
  }

  /** The delay before the next attempt, and counts the attempt. */
  next(): number {
    const ceiling = this.ceiling();
    const r = this.random();
    const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
    this.attempt = Math.min(this.attempt + 1, 64);
    return Math.floor(unit * ceiling);
  }

  /** After a stable connection: start again from the base. */
  reset(): void {
    this.attempt = 0;
  }
}
