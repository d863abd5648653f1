import { WEEKDAYS, type CronSource, type PolicySchedule } from '@patchwave/shared';
import { addDays, dateKey, daysInMonth, instantOf, localDateOf, localMsAt, localMsOf, weekdayOf, type LocalDate } from './zoned-time.js';

/**
 * When a policy runs, in one time zone. Weekly, Nth-weekday-of-the-month and one-off schedules are
 * computed by calendar arithmetic on wall-clock dates (zoned-time.ts); cron schedules use the same
 * cron-parser adapter as maintenance windows, iterated forward only. Every function takes the
 * instant it reasons from: no clock is read here.
 */

const DAY = 86_400_000;
const MAX_CRON_STEPS = 20_000;

function matchesDate(rec: PolicySchedule['recurrence'], d: LocalDate): boolean {
  switch (rec.kind) {
    case 'weekly':
      return rec.days.some((w) => WEEKDAYS.indexOf(w) === weekdayOf(d));
    case 'monthly-nth': {
      if (WEEKDAYS.indexOf(rec.weekday) !== weekdayOf(d)) return false;
      if (rec.nth === 'last') return d.day + 7 > daysInMonth(d.year, d.month);
      return Math.ceil(d.day / 7) === rec.nth;
    }
    case 'once':
      return dateKey(d) === rec.date;
    case 'cron':
      return false;
  }
}

function withinDates(schedule: PolicySchedule, d: LocalDate): boolean {
  const key = dateKey(d);
  return (!schedule.startDate || key >= schedule.startDate) && (!schedule.endDate || key <= schedule.endDate);
}

/** Occurrences in `(from, to]`, oldest first. */
export function occurrencesBetween(schedule: PolicySchedule, timeZone: string, from: Date, to: Date, cron: CronSource): Date[] {
  if (to <= from) return [];
  const rec = schedule.recurrence;
  const out: Date[] = [];
  if (rec.kind === 'cron') {
    const it = cron(rec.expression, timeZone, from);
    for (let i = 0; i < MAX_CRON_STEPS; i++) {
      const next = it.next();
      if (!next || next > to) break;
      if (next > from && withinDates(schedule, localDateOf(localMsOf(next.getTime(), timeZone)))) out.push(next);
    }
    return out;
  }
  // One day of margin on each side: the local date of an instant differs from its UTC date by up to 14 h.
  let d = addDays(localDateOf(localMsOf(from.getTime(), timeZone)), -1);
  const last = addDays(localDateOf(localMsOf(to.getTime(), timeZone)), 1);
  for (; dateKey(d) <= dateKey(last); d = addDays(d, 1)) {
    if (!matchesDate(rec, d) || !withinDates(schedule, d)) continue;
    const at = instantOf(localMsAt(d, rec.time), timeZone);
    if (at > from.getTime() && at <= to.getTime()) out.push(new Date(at));
  }
  return out;
}

/** The first occurrence strictly after `after`, or null when none is left (a past one-off, an end date). */
export function nextRun(schedule: PolicySchedule, timeZone: string, after: Date, cron: CronSource): Date | null {
  const horizon = schedule.recurrence.kind === 'once' || schedule.endDate ? 3660 : 400;
  for (let start = after.getTime(); start < after.getTime() + horizon * DAY; start += 62 * DAY) {
    const found = occurrencesBetween(schedule, timeZone, new Date(start), new Date(start + 62 * DAY), cron);
    if (found[0]) return found[0];
  }
  return null;
}

/**
 * The occurrence a runner should act on at `now`: the newest one after `since` (the last run in
 * this zone, or when the schedule was set) that is at most `catchUpMinutes` old. Older missed
 * occurrences are not made up for; only the newest runs, once.
 */
export function dueOccurrence(schedule: PolicySchedule, timeZone: string, since: Date, now: Date, cron: CronSource): Date | null {
  const floor = new Date(Math.max(since.getTime(), now.getTime() - schedule.catchUpMinutes * 60_000 - 1));
  const found = occurrencesBetween(schedule, timeZone, floor, now, cron);
  return found.at(-1) ?? null;
}
