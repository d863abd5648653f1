import type { ServerMessage } from '@patchwave/shared';

/**
 * How the orchestrator reaches agents. The WebSocket gateway implements it over its registry of
 * live connections; tests implement it with a recorder. Frames sent to a device that is not
 * connected are not queued: the orchestrator offers again when the device says hello.
 */
export interface AgentLinks {
  /** Connected, greeted, and announced the `jobs` capability in its hello. */
  canRunJobs(deviceId: string): boolean;
  isOnline(deviceId: string): boolean;
  /** Whether the device's agent announced `capability` in its hello (absent: every capability is assumed). */
  hasCapability?(deviceId: string, capability: string): boolean;
  /** Sends on the device's live connection; false when it has none. */
  send(deviceId: string, frame: ServerMessage): boolean;
}

/** Timers for the orchestrator loop (real ones in production; tests call `tick()` themselves). */
export interface LoopTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: LoopTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
