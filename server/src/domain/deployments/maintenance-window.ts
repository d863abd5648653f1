import {
  startDecision as sharedStartDecision,
  windowStateAt as sharedWindowStateAt,
  type GroupWindow,
  type MaintenanceWindow,
  type StartConstraints,
  type StartDecision,
  type WindowState,
} from '@patchwave/shared';
import { cronOccurrences } from './cron.js';

/**
 * Maintenance windows on the server, evaluated with cron-parser through the algorithm in
 * @patchwave/shared (the agent runs the same one). See that module for the DST semantics.
 */

export type { StartConstraints, StartDecision, WindowState };

/** Whether `window` is open at `now`, and when it closes or next opens. */
export function windowStateAt(window: MaintenanceWindow, now: Date): WindowState {
  return sharedWindowStateAt(window, now, cronOccurrences);
}

/** May a device's job start at `now` (window, start time, deadline, catch-up)? */
export function startDecision(c: StartConstraints, now: Date): StartDecision {
  return sharedStartDecision(c, now, cronOccurrences);
}

/**
 * The windows that apply to a device in `groups`: the windows of its groups, or, when none of its
 * groups has one, the `*` windows. An empty result means no window restricts the device.
 */
export function windowsForDevice(windows: readonly GroupWindow[], groups: readonly string[]): GroupWindow[] {
  const mine = windows.filter((w) => w.group !== '*' && groups.includes(w.group));
  return mine.length ? mine : windows.filter((w) => w.group === '*');
}
