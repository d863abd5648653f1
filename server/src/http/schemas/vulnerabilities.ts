import { DeviceTag, FindingSource, PagingQuery, Priority, SortOrder } from '@patchwave/shared';
import { z } from 'zod';

/** Query strings of the vulnerability routes. Lists of values are comma-separated (`priority=P1,P2`). */

const list = (item: string, what: string) => z.string().regex(new RegExp(`^(?:${item})(?:,(?:${item}))*$`), what);

export const splitList = (value: string | undefined): string[] => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);

const Bool = z.enum(['true', 'false']);
export const boolOf = (v: 'true' | 'false' | undefined): boolean | undefined => (v === undefined ? undefined : v === 'true');

export const FindingListQuery = PagingQuery.extend({
  priority: list('P[1-4]', 'comma-separated priorities P1..P4, e.g. P1,P2').optional(),
  status: list('open|overdue|fixed|accepted_risk|not_affected', 'comma-separated states: open, overdue, fixed, accepted_risk, not_affected').optional(),
  overdue: Bool.optional().describe('true: only overdue findings (same as status=overdue)'),
  cve: z.string().regex(/^CVE-\d{4}-\d{4,19}$/, 'a CVE id like CVE-2024-12345').optional(),
  package: z.string().min(1).max(256).optional().describe('Source package (group) or binary package name'),
  device: z.uuid({ message: 'must be a device id (UUID)' }).optional(),
  tag: DeviceTag.optional(),
  advisory: z.string().min(1).max(256).optional(),
  source: FindingSource.optional(),
  kev: Bool.optional(),
  sort: z.enum(['score', 'dueAt', 'firstSeenAt', 'lastSeenAt']).default('score'),
  order: SortOrder.default('desc'),
});
export type FindingListQuery = z.infer<typeof FindingListQuery>;

export const DeviceFindingQuery = FindingListQuery.omit({ device: true, tag: true });

export const FindingIdParams = z.object({ id: z.string().regex(/^f_[0-9a-f]{32}$/, 'a finding id like f_0123… (32 hex digits)') });
export const AdvisoryIdParams = z.object({ id: z.string().min(1).max(256) });

export const AdvisoryListQuery = PagingQuery.extend({
  cve: z.string().regex(/^CVE-\d{4}-\d{4,19}$/, 'a CVE id like CVE-2024-12345').optional(),
  package: z.string().min(1).max(256).optional(),
});

export const ExceptionListQuery = PagingQuery.extend({
  finding: FindingIdParams.shape.id.optional(),
  active: Bool.optional(),
});

export const CatalogQuery = PagingQuery.extend({
  fixesFindings: Bool.optional().describe('true: only updates that fix at least one open finding'),
  kev: Bool.optional(),
  priority: Priority.optional().describe('Only updates whose most urgent finding has this priority'),
  security: Bool.optional(),
  name: z.string().min(1).max(256).optional(),
});

/** A day (start of day UTC for `from`, end of day for `to`) or an ISO timestamp. */
const When = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) || !Number.isNaN(Date.parse(s)), 'a date (YYYY-MM-DD) or an ISO-8601 timestamp')
  .refine((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a calendar date');

export const ComplianceQuery = z
  .object({
    from: When.optional().describe('Start of the period (default: 30 days before `to`)'),
    to: When.optional().describe('End of the period (default: now; a past end is computed from history)'),
    group: z.string().max(1024).optional().describe('Comma-separated device groups (tag group=NAME)'),
    tag: z.string().max(1024).optional().describe('Comma-separated device tags'),
    os: z.string().max(1024).optional().describe('Comma-separated OS keys as the breakdown shows them (e.g. "Debian GNU/Linux 12")'),
    staleAfterDays: z.coerce.number().int().min(1).max(365).optional(),
  })
  .strict();
export type ComplianceQuery = z.infer<typeof ComplianceQuery>;

export const ReportQuery = ComplianceQuery.extend({
  format: z.enum(['json', 'csv', 'pdf']).default('json'),
  table: z.enum(['metrics', 'breakdown', 'overdue-findings', 'deployments', 'stale-devices']).default('metrics').describe('CSV only: which table'),
});

export const SeriesQuery = z
  .object({
    dimension: z.enum(['all', 'tag', 'group', 'os']).default('all'),
    key: z.string().min(1).max(256).default('all'),
    days: z.coerce.number().int().min(1).max(400).default(90),
  })
  .strict();

export const FeedImportListQuery = PagingQuery;

const DAY_MS = 86_400_000;

/** The period of a compliance query: dates are whole days (UTC); `to` defaults to now, `from` to 30 days earlier. */
export function periodOf(q: ComplianceQuery, now: Date): { from: string; to: string } {
  const to = q.to === undefined ? now.toISOString() : /^\d{4}-\d{2}-\d{2}$/.test(q.to) ? new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY_MS - 1).toISOString() : new Date(q.to).toISOString();
  const toMs = Math.min(Date.parse(to), now.getTime());
  const from = q.from === undefined ? new Date(toMs - 30 * DAY_MS).toISOString() : /^\d{4}-\d{2}-\d{2}$/.test(q.from) ? `${q.from}T00:00:00.000Z` : new Date(q.from).toISOString();
  return { from, to };
}

export const scopeOf = (q: ComplianceQuery) => ({ groups: splitList(q.group), tags: splitList(q.tag), os: splitList(q.os) });
