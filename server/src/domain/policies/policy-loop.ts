import type { Logger } from 'pino';
import { realTimers, type LoopTimers } from '../deployments/runtime-ports.js';
import type { PolicyRunner } from './policy-runner.js';

export interface PolicyLoopOptions {
  /** Time between two passes (default 30 s): a run starts at most this late after its occurrence. */
  intervalMs?: number;
  timers?: LoopTimers;
}

/**
 * Drives the policy runner on a timer: a pass every `intervalMs`, and a judging pass when poked
 * (a dry-run result arrived). Passes never overlap (the runner's queue orders them); `stop()`
 * waits for the one in flight. Tests leave it stopped and call `runner.tick()` with their clock.
 */
export class PolicyLoop {
  private timer: unknown = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = true;
  private readonly intervalMs: number;
  private readonly timers: LoopTimers;

  constructor(
    private readonly runner: PolicyRunner,
    private readonly log: Logger,
    options: PolicyLoopOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 30_000;
    this.timers = options.timers ?? realTimers;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.inFlight]);
  }

  /** Judges waiting dry runs now (after a plan result). */
  poke(): void {
    if (this.stopped) return;
    this.track(this.runner.judgePending().catch((err: unknown) => this.log.error({ err }, 'judging policy runs failed')));
  }

  private schedule(ms: number): void {
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      if (this.stopped) return;
      const pass = this.runner
        .tick()
        .catch((err: unknown) => this.log.error({ err }, 'policy pass failed; trying again at the next one'))
        .finally(() => {
          if (!this.stopped) this.schedule(this.intervalMs);
        });
      this.track(pass);
    }, ms);
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
