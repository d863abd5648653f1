import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Orchestrator } from './orchestrator.js';
import { realTimers, type LoopTimers } from './runtime-ports.js';

export interface DeploymentLoopOptions {
  /** Longest pause between two passes (default 5 s). */
  intervalMs?: number;
  timers?: LoopTimers;
}

/**
 * Runs the orchestrator on a timer: a pass every `intervalMs`, sooner when a pass says something
 * becomes due (a soak ends, a window opens), and at once when poked (a result arrived, an operator
 * acted). Passes never overlap. `stop()` waits for the pass in flight.
 */
export class DeploymentLoop {
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private readonly intervalMs: number;
  private readonly timers: LoopTimers;

  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: DeploymentLoopOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
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
    await this.running;
  }

  /** Runs a pass as soon as possible (coalesced with one in flight). */
  poke(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => void this.run(), Math.max(0, ms));
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
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
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      next = 0;
    }
    this.schedule(next);
  }
}
