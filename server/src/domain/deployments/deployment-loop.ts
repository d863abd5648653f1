import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Orchestrator } from './orchestrator.js';
import { realTimers, type LoopTimers } from './runtime-ports.js';

export interface DeploymentLoopOptions {
  /** Longest pause between two passes (default 5 s). */
  intervalMs?: number;
  /**
   * Shortest pause after a pass before `pokeSoon` runs the next one (default 250 ms): a burst of
   * results then costs a pass every `pokeGapMs` rather than one per result, each pass reading every
   * open job. After a quiet spell it runs a pass at once.
   */
  pokeGapMs?: number;
  timers?: LoopTimers;
}

/**
 * Runs the orchestrator on a timer: a pass every `intervalMs`, sooner when a pass says something
 * becomes due (a soak ends, a window opens), at once when poked (an operator acted), and soon when
 * a result arrived (`pokeSoon`): at once, or `pokeGapMs` after the previous pass ended when that was
 * more recent, so results that come together share one pass. Passes never overlap. `stop()` waits
 * for the pass in flight.
 */
export class DeploymentLoop {
  private timer: unknown = null;
  /** When the scheduled pass is due (clock time, ms); null when none is scheduled. */
  private dueAt: number | null = null;
  /** When the last pass ended (clock time, ms). */
  private lastEnd = -Infinity;
  private running: Promise<void> | null = null;
  /** A poke came during the pass in flight: run the next one at once (`now`) or after the gap. */
  private again: 'now' | 'gap' | null = null;
  private stopped = true;
  private readonly intervalMs: number;
  private readonly pokeGapMs: number;
  private readonly timers: LoopTimers;

  constructor(
    private readonly orchestrator: Pick<Orchestrator, 'tick'>,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: DeploymentLoopOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.pokeGapMs = options.pokeGapMs ?? 250;
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
    this.dueAt = null;
    await this.running;
  }

  /** Runs a pass as soon as possible (coalesced with one in flight). */
  poke(): void {
    this.request('now');
  }

  /** Runs a pass soon: coalesced with the one in flight, and at most one per `pokeGapMs`. */
  pokeSoon(): void {
    this.request('gap');
  }

  private request(when: 'now' | 'gap'): void {
    if (this.stopped) return;
    if (this.running) {
      if (this.again !== 'now') this.again = when;
      return;
    }
    const now = this.clock.now().getTime();
    // Clamped: a clock set back must not push the pass further than one gap away.
    const delay = when === 'now' ? 0 : Math.min(this.pokeGapMs, Math.max(0, this.lastEnd + this.pokeGapMs - now));
    // A pass already due as soon serves this poke too.
    if (this.dueAt !== null && this.dueAt <= now + delay) return;
    this.schedule(delay);
  }

  private schedule(ms: number): void {
    this.timers.clearTimeout(this.timer);
    const delay = Math.max(0, ms);
    this.dueAt = this.clock.now().getTime() + delay;
    this.timer = this.timers.setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
    this.dueAt = null;
    let next = this.intervalMs;
    this.running = (async () => {
      try {
        const report = await this.orchestrator.tick();
        if (report.wakeAt) next = Math.min(next, report.wakeAt.getTime() - this.clock.now().getTime() + 5);
      } catch (err) {
        this.log.error({ err }, 'deployment pass failed; trying again at the next one');
      }
    })();
    await this.running;
    this.running = null;
    this.lastEnd = this.clock.now().getTime();
    if (this.stopped) return;
    if (this.again) {
      next = Math.min(next, this.again === 'now' ? 0 : this.pokeGapMs);
      this.again = null;
    }
    this.schedule(next);
  }
}
