import type { Logger } from 'pino';
import type { LivenessTimers } from './liveness-sweep.js';

export interface LastSeenWriterOptions {
  /** Writes "heard from now" for these devices (DeviceService.touchMany). */
  write: (deviceIds: string[]) => Promise<void>;
  /** How often the devices heard from since the last write are written. */
  intervalMs: number;
  log: Logger;
  timers?: LivenessTimers;
}

/**
 * Devices' last sign of life is written this often, in one batch. Writing it on every frame made
 * every heartbeat of every agent a database write (the idle server's main cost at fleet size).
 */
export const TOUCH_INTERVAL_MS = 15_000;

const nodeTimers: LivenessTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * Records the devices' last sign of life in batches: a frame only marks its device, and one write
 * per interval stores every marked device. Writing per frame (or per connection and interval) made
 * each heartbeat a statement of its own, the idle server's main cost at fleet size; the live
 * connection itself is what says a device is online now.
 */
export class LastSeenWriter {
  private marked = new Set<string>();
  private handle: unknown = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly timers: LivenessTimers;

  constructor(private readonly options: LastSeenWriterOptions) {
    this.timers = options.timers ?? nodeTimers;
  }

  /** The device was heard from: written with the next batch. */
  seen(deviceId: string): void {
    this.marked.add(deviceId);
  }

  start(): void {
    if (this.handle === null) this.handle = this.timers.setInterval(() => void this.flush(), this.options.intervalMs);
  }

  /** Stops the timer and writes what is marked (shutdown). */
  async stop(): Promise<void> {
    if (this.handle !== null) this.timers.clearInterval(this.handle);
    this.handle = null;
    await this.flush();
  }

  /** Writes the devices marked since the last write; one write at a time. */
  flush(): Promise<void> {
    if (this.marked.size === 0) return this.writing;
    const ids = [...this.marked];
    this.marked = new Set();
    this.writing = this.writing
      .then(() => this.options.write(ids))
      .catch((err: unknown) => this.options.log.error({ err, devices: ids.length }, 'writing last-seen times failed'));
    return this.writing;
  }
}
