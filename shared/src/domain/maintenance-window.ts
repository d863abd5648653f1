import type { MaintenanceWindow } from '../protocol/jobs.js';

/**
 * Maintenance-window evaluation shared by the server (which jobs to offer when) and the agent
 * (which holds a job until its window). Pure: the cron library is injected as a `CronSource`, so
 * that shared stays free of it and both sides run the same algorithm.
 *
 * A window opens at each cron occurrence in its time zone and stays open for `durationMinutes` of
 * elapsed time. Occurrences are found only by iterating forward from an anchor well before `now`
 * (duration + 3 h), never backwards: cron libraries disagree with themselves across DST when asked
 * for the previous occurrence, and forward iteration from a point before a DST change gives the
 * cron-like answers: a start time that does not exist on the spring-forward day opens one hour
 * later by the wall clock; a start time that exists twice on the fall-back day opens once.
 */

/** Successive occurrences of one cron expression; `next()` is null when there are no more. */
export interface CronCursor {
  next(): Date | null;
}

/** Occurrences of `cron` in `timeZone` strictly after `after`; an invalid expression yields none. */
export type CronSource = (cron: string, timeZone: string, after: Date) => CronCursor;

export type WindowState =
  | { open: true; openedAt: Date; closesAt: Date }
  | { open: false; opensAt: Date | null; closesAt: Date | null };

/** Larger than any DST shift (Antarctica/Troll moves 2 h). */
const ANCHOR_MARGIN_MS = 3 * 3_600_000;
/** Bound on iterations for one evaluation (a 7-day window of a per-minute cron is ~10k). */
const MAX_STEPS = 20_000;

/** Whether `window` is open at `now`, and when it closes or next opens. */
export function windowStateAt(window: MaintenanceWindow, now: Date, cron: CronSource): WindowState {
  const duration = window.durationMinutes * 60_000;
  const cursor = cron(window.cron, window.timeZone, new Date(now.getTime() - duration - ANCHOR_MARGIN_MS));
  let latest: Date | null = null;
  for (let step = 0; step < MAX_STEPS; step++) {
    const occ = cursor.next();
    if (!occ) break;
    if (occ > now) {
      if (latest && now.getTime() < latest.getTime() + duration) {
        return { open: true, openedAt: latest, closesAt: new Date(latest.getTime() + duration) };
      }
      return { open: false, opensAt: occ, closesAt: new Date(occ.getTime() + duration) };
    }
    latest = occ;
  }
  if (latest && now.getTime() < latest.getTime() + duration) {
    return { open: true, openedAt: latest, closesAt: new Date(latest.getTime() + duration) };
  }
  return { open: false, opensAt: null, closesAt: null };
}

export interface StartConstraints {
  /** The windows that apply; empty means no window restricts the start. */
  windows: readonly MaintenanceWindow[];
  /** Not before this. */
  startAt?: Date | null;
  /** Not at or after this. */
  deadline?: Date | null;
}

export type StartDecision =
  /** Start now; `until` is when the open window closes (null: no window). */
  | { kind: 'now'; until: Date | null }
  /** Not yet: wait until `until` (the start time or the next window). */
  | { kind: 'wait'; until: Date; reason: string }
  /** It can no longer start: the deadline passed or no window opens before it. */
  | { kind: 'missed'; reason: string };

/**
 * May a job start at `now`? A device that was offline during its window catches up in its next
 * one, unless the deadline comes first. With several windows, any open one will do. A job that
 * started inside a window is not stopped when the window closes.
 */
export function startDecision(c: StartConstraints, now: Date, cron: CronSource): StartDecision {
  const deadline = c.deadline ?? null;
  if (deadline && now >= deadline) return { kind: 'missed', reason: `the deadline ${deadline.toISOString()} has passed` };
  const from = c.startAt && c.startAt > now ? c.startAt : now;
  const waitStart = from > now;
  if (c.windows.length === 0) {
    return waitStart ? { kind: 'wait', until: from, reason: `starts at ${from.toISOString()}` } : { kind: 'now', until: null };
  }
  const states = c.windows.map((w) => windowStateAt(w, from, cron));
  const open = states.filter((s): s is Extract<WindowState, { open: true }> => s.open);
  if (open.length) {
    if (waitStart) return { kind: 'wait', until: from, reason: `starts at ${from.toISOString()}, inside a window` };
    return { kind: 'now', until: new Date(Math.max(...open.map((s) => s.closesAt.getTime()))) };
  }
  const opens = states.map((s) => (s.open ? null : s.opensAt)).filter((d): d is Date => d !== null);
  if (opens.length === 0) return { kind: 'missed', reason: 'no maintenance window ever opens (check the cron expressions)' };
  const first = new Date(Math.min(...opens.map((d) => d.getTime())));
  if (deadline && first >= deadline) {
    return { kind: 'missed', reason: `the next maintenance window opens at ${first.toISOString()}, after the deadline ${deadline.toISOString()}` };
  }
  return { kind: 'wait', until: first, reason: `outside its maintenance window; the next one opens at ${first.toISOString()}` };
}
