import type { CronSource } from '@patchwave/shared';
import { CronExpressionParser, type CronExpression } from 'cron-parser';

/**
 * Cron occurrences for the shared maintenance-window algorithm, with the library the server uses
 * (docs/decisions/003-cron-parser-for-maintenance-windows.md). Forward only; an expression the
 * library cannot read yields no occurrence, so its window never opens and the job expires.
 */
export const cronOccurrences: CronSource = (expression, timeZone, after) => {
  let it: CronExpression | null;
  try {
    it = CronExpressionParser.parse(expression.trim(), { tz: timeZone, currentDate: after });
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
