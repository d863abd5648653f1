/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl.DateTimeFormat` (Node 20 has no
 * Temporal). A wall time is kept as the UTC milliseconds of the same fields ("local ms"), so that
 * calendar arithmetic on it is plain UTC arithmetic; `instantOf` turns it into a real instant.
 * See docs/decisions/016-policy-schedules.md for the DST rules.
 */

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of `instant` in `timeZone`, as local ms (seconds kept, milliseconds dropped). */
export function localMsOf(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** UTC offset of `timeZone` at `instant`, in ms (Berlin in summer: +7,200,000). */
export function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return localMsOf(whole, timeZone) - whole;
}

/**
 * The instant at which the wall clock of `timeZone` shows `localMs`. A wall time that happens
 * twice (the fall-back hour) resolves to its first occurrence; one that does not exist (the
 * spring-forward gap) moves forward by the length of the gap (02:30 → 03:30), as cron and
 * Temporal's `compatible` disambiguation do.
 */
export function instantOf(localMs: number, timeZone: string): number {
  const day = 86_400_000;
  const before = offsetAt(localMs - day, timeZone);
  const after = offsetAt(localMs + day, timeZone);
  const candidates = [...new Set([localMs - before, localMs - after])].filter((t) => localMsOf(t, timeZone) === localMs).sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0] as number;
  // In the gap: read the wall time with the offset in force before the change.
  return localMs - before;
}

export function localDateOf(localMs: number): LocalDate {
  const d = new Date(localMs);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Local ms of a date at `HH:MM`. */
export function localMsAt(date: LocalDate, time: string): number {
  const [h, m] = time.split(':').map(Number);
  return Date.UTC(date.year, date.month - 1, date.day, h ?? 0, m ?? 0);
}

export const dateKey = (d: LocalDate): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Day of the week, 0 = Sunday. */
export const weekdayOf = (d: LocalDate): number => new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();

export const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

export function addDays(d: LocalDate, n: number): LocalDate {
  return localDateOf(Date.UTC(d.year, d.month - 1, d.day) + n * 86_400_000);
}
