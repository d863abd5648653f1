import { z } from 'zod';
import type { FindingSeverity } from '@patchwave/shared';

/**
 * SLA policy: every finding gets a due date from when it was first seen and how severe it is.
 * KEV findings are due at the KEV catalog's due date or `kev.days` after they became KEV findings
 * (first seen, or added to KEV if later), whichever is sooner. A KEV due date is a calendar date;
 * it is due at the end of that day (UTC).
 */

const days = z.number().int().positive().max(3650);

export const SlaPolicy = z
  .object({
    kev: z.object({ days: days.default(7), useCatalogDueDate: z.boolean().default(true) }).prefault({}),
    days: z
      .object({
        critical: days.default(14),
        high: days.default(30),
        medium: days.default(90),
        low: days.default(180),
        /** No CVSS and no label: treated like medium unless configured. */
        unknown: days.default(90),
      })
      .prefault({}),
  })
  .refine((p) => p.days.critical <= p.days.high && p.days.high <= p.days.medium && p.days.medium <= p.days.low, {
    message: 'SLA days must not shrink as severity drops (critical ≤ high ≤ medium ≤ low)',
    path: ['days'],
  });
export type SlaPolicy = z.infer<typeof SlaPolicy>;

export const DEFAULT_SLA_POLICY: SlaPolicy = SlaPolicy.parse({});

const DAY_MS = 86_400_000;

export interface DueDate {
  dueAt: string;
  /** Human-readable rule that produced it (`high: 30 days from first seen`). */
  rule: string;
}

export function addDays(iso: string, n: number): string {
  return new Date(Date.parse(iso) + n * DAY_MS).toISOString();
}

export function computeDueDate(
  input: { firstSeenAt: string; severity: FindingSeverity; kev: { dateAdded: string; dueDate: string } | null },
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): DueDate {
  const sev = input.severity === 'none' ? 'low' : input.severity;
  const n = policy.days[sev];
  let best: DueDate = { dueAt: addDays(input.firstSeenAt, n), rule: `${input.severity}: ${n} days from first seen` };
  if (input.kev) {
    const added = Date.parse(`${input.kev.dateAdded}T00:00:00.000Z`);
    const start = new Date(Math.max(Date.parse(input.firstSeenAt), added)).toISOString();
    const kevDue = addDays(start, policy.kev.days);
    if (Date.parse(kevDue) < Date.parse(best.dueAt)) best = { dueAt: kevDue, rule: `KEV: ${policy.kev.days} days from ${start === input.firstSeenAt ? 'first seen' : 'KEV listing'}` };
    if (policy.kev.useCatalogDueDate) {
      const catalogDue = `${input.kev.dueDate}T23:59:59.999Z`;
      if (Date.parse(catalogDue) < Date.parse(best.dueAt)) best = { dueAt: catalogDue, rule: `KEV catalog due date ${input.kev.dueDate}` };
    }
  }
  return best;
}

export function isOverdue(dueAt: string, now: string): boolean {
  return Date.parse(now) > Date.parse(dueAt);
}
