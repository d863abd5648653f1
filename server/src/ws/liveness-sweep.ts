/** What the sweep needs of a connection. */
export interface Pingable {
  /** When anything last arrived from the peer (a frame, a ping or a pong), on the sweep's clock. */
  readonly lastHeardAt: number;
  ping(): void;
  /** Drops a peer that did not answer a ping in time. */
  terminate(): void;
}

export interface LivenessTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface LivenessOptions {
  /** How often the sweep looks at every connection. */
  sweepMs: number;
  /** A connection silent this long is pinged (longer than the heartbeat interval: heartbeats are signs of life). */
  silentMs: number;
  /** A pinged connection that stays silent this long after the ping is dropped. */
  answerMs: number;
  /** Monotonic milliseconds, the clock `lastHeardAt` is read on. */
  now: () => number;
  timers?: LivenessTimers;
}

const nodeTimers: LivenessTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * One timer per gateway that finds dead peers (half-open TCP) among all agent connections, instead
 * of one ping timer per connection (the `ws` README's heartbeat pattern). Only a connection that
 * has been silent longer than a heartbeat interval is pinged: an agent that heartbeats on time is
 * never pinged, so an idle fleet costs the server its heartbeats and nothing more.
 */
export class LivenessSweep {
  /** Member → when it was pinged and has not been heard from since (NaN: not waiting for an answer). */
  private readonly members = new Map<Pingable, number>();
  private handle: unknown = null;
  private readonly timers: LivenessTimers;

  constructor(private readonly options: LivenessOptions) {
    this.timers = options.timers ?? nodeTimers;
  }

  add(member: Pingable): void {
    this.members.set(member, Number.NaN);
  }

  remove(member: Pingable): void {
    this.members.delete(member);
  }

  get size(): number {
    return this.members.size;
  }

  start(): void {
    if (this.handle === null) this.handle = this.timers.setInterval(() => this.sweep(), this.options.sweepMs);
  }

  stop(): void {
    if (this.handle !== null) this.timers.clearInterval(this.handle);
    this.handle = null;
  }

  /** One pass over every connection: drop the unanswered, ping the silent. */
  sweep(): void {
    const now = this.options.now();
    for (const [member, pingedAt] of this.members) {
      // Heard from after the ping (any frame counts as the answer, not only the pong).
      const waiting = !Number.isNaN(pingedAt) && member.lastHeardAt < pingedAt;
      if (waiting) {
        if (now - pingedAt >= this.options.answerMs) {
          this.members.delete(member);
          member.terminate();
        }
        continue;
      }
      if (now - member.lastHeardAt >= this.options.silentMs) {
        this.members.set(member, now);
        member.ping();
      } else if (!Number.isNaN(pingedAt)) {
        this.members.set(member, Number.NaN);
      }
    }
  }
}
