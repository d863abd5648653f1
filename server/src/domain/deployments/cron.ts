import type { CronSource } from '@patchwave/shared';
import { CronExpressionParser, type CronExpression } from 'cron-parser';

/**
 * Cron expressions for maintenance windows, evaluated with cron-parser (see
 * docs/decisions/003-cron-parser-for-maintenance-windows.md for why not node-cron). Accepted:
 * 5 fields (minute hour day-of-month month day-of-week), 6 fields with a single-number seconds
 * field first, or an alias such as @daily / @weekly.
 */

const ALIASES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly', '@weekdays', '@weekends']);

export type CronCheck = { ok: true } | { ok: false; message: string };

/** Checks a cron expression; the message says what is wrong in words an operator understands. */
export function checkCron(expression: string): CronCheck {
  const expr = expression.trim();
  const fields = expr.split(/\s+/).filter(Boolean);
  const shape = 'use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * 6"';
  if (fields.length === 0) return { ok: false, message: `cron expression is empty; ${shape}` };
  if (fields[0]?.startsWith('@')) {
    return fields.length === 1 && ALIASES.has(fields[0].toLowerCase())
      ? { ok: true }
      : { ok: false, message: `"${expr}" is not a cron alias (${[...ALIASES].join(', ')})` };
  }
  if (fields.length !== 5 && fields.length !== 6) {
    return { ok: false, message: `"${expr}" has ${fields.length} fields; ${shape}` };
  }
  if (fields.length === 6 && !/^\d{1,2}$/.test(fields[0] ?? '')) {
    return { ok: false, message: `"${expr}" repeats within a minute; a window starts at most once a minute, so the seconds field must be one number` };
  }
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: new Date(0) }).next();
    return { ok: true };
  } catch (err) {
    return { ok: false, message: `"${expr}" is not a valid cron expression (${(err as Error).message}); ${shape}` };
  }
}

/**
 * Occurrences of a cron expression after `at` in `timeZone`, iterated forward only: cron-parser's
 * `prev()` disagrees with its `next()` across DST changes. An invalid expression yields none.
 */
export const cronOccurrences: CronSource = (expression, timeZone, at) => {
  let it: CronExpression | null = null;
  try {
    it = CronExpressionParser.parse(expression.trim(), { tz: timeZone, currentDate: at });
  } catch {
    it = null;
  }
  return {
    next(): Date | null {
      if (!it) return null;
      try {
        return it.next().toDate();
      } catch {
        it = null;
        return null;
      }
    },
  };
};
