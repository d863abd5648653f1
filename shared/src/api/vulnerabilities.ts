import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { AdvisoryView, FindingSelection, FindingStatus, FindingView, Priority, ResolvedSelection } from './findings.js';
import { ComplianceDimension } from './compliance.js';

/**
 * REST views of the vulnerability area beyond the core finding/advisory/compliance schemas:
 * feed imports, finding detail with history, exceptions, compliance series and selections.
 */

const id = z.string().min(1).max(LIMITS.id);
const text = (max: number = LIMITS.shortText) => z.string().max(max);
const timestamp = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

export const FeedImportCounts = z.object({ new: count, updated: count, unchanged: count, removed: count, older: count });
export type FeedImportCounts = z.infer<typeof FeedImportCounts>;

export const FeedSourceKind = z.enum(['osv', 'osv-zip', 'kev', 'epss', 'kb-supersedence']);
export type FeedSourceKind = z.infer<typeof FeedSourceKind>;

export const FeedImportSourceView = z.object({
  name: text(1024),
  kind: FeedSourceKind,
  records: count,
  bytes: count,
  /** SHA-256 of the file as received: ties the import to the exact bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  url: text(4096).optional(),
});
export type FeedImportSourceView = z.infer<typeof FeedImportSourceView>;

export const FeedImportResult = z.object({
  id,
  startedAt: timestamp,
  finishedAt: timestamp,
  actor: text(),
  origin: z.enum(['upload', 'url', 'schedule']),
  sources: z.array(FeedImportSourceView),
  counts: z.object({
    advisories: FeedImportCounts,
    /** Affected entries stored but never matched (npm, PyPI… ecosystems no agent reports). */
    unindexedAffected: count,
    kev: FeedImportCounts.nullable(),
    epss: FeedImportCounts.nullable(),
    supersedence: z.object({ edges: count, added: count }).nullable(),
  }),
  findings: z.object({ opened: count, reopened: count, notAffected: count, rescored: count, devicesEvaluated: count }),
  warnings: z.array(z.object({ file: text(1024), message: text(LIMITS.message) })),
});
export type FeedImportResult = z.infer<typeof FeedImportResult>;

export const FeedFileUpload = z.object({
  /** File name as the operator gave it (shown in provenance and errors). */
  name: z.string().min(1).max(1024),
  /** The file's bytes, base64. */
  data: z.string().min(1),
});

export const FeedImportBody = z.object({
  files: z.array(FeedFileUpload).min(1, 'give at least one file').max(10_000),
  /** Where each file was downloaded from, by name (the CLI's URL imports): kept as provenance. */
  urls: z.record(z.string(), z.url()).optional(),
});
export type FeedImportBody = z.infer<typeof FeedImportBody>;

export const ThreatFeedStatus = z.object({
  version: text(),
  released: text(),
  entries: count,
  importId: id,
  feedFile: text(1024),
  importedAt: timestamp,
});

export const FeedStatus = z.object({
  advisories: count,
  kev: ThreatFeedStatus.nullable(),
  epss: ThreatFeedStatus.nullable(),
  supersedenceEdges: count,
  refresh: z.object({ enabled: z.boolean(), schedule: text(), urls: z.array(text(4096)) }),
});
export type FeedStatus = z.infer<typeof FeedStatus>;

export const FindingListItem = FindingView.extend({ hostname: text(LIMITS.hostname) });
export type FindingListItem = z.infer<typeof FindingListItem>;

export const FindingEventView = z.object({
  id: z.number().int(),
  at: timestamp,
  kind: z.enum(['opened', 'fixed', 'reopened', 'risk_accepted', 'exception_revoked', 'not_affected', 'rescored']),
  from: FindingStatus.nullable(),
  to: FindingStatus,
  actor: text().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type FindingEventView = z.infer<typeof FindingEventView>;

export const RiskExceptionView = z.object({
  id: z.number().int(),
  findingId: id,
  deviceId: id,
  reason: text(LIMITS.message),
  approver: text(),
  approvedAt: timestamp,
  expiresAt: timestamp,
  endedAt: timestamp.nullable(),
  endedBy: text().nullable(),
  endReason: z.enum(['revoked', 'expired', 'fixed', 'replaced', 'not_affected']).nullable(),
});
export type RiskExceptionView = z.infer<typeof RiskExceptionView>;

export const FindingDetail = FindingListItem.extend({
  /** The SLA rule behind `dueAt` (`high: 30 days from first seen`, `KEV catalog due date 2025-07-01`). */
  dueRule: text(),
  firstSeenReportId: text(),
  reopenCount: count,
  advisory: z.object({ id: text(), summary: text(LIMITS.title), published: timestamp.nullable(), modified: timestamp }).nullable(),
  events: z.array(FindingEventView),
  exceptions: z.array(RiskExceptionView),
});
export type FindingDetail = z.infer<typeof FindingDetail>;

export const AcceptRiskBody = z
  .object({
    reason: z.string().trim().min(1, 'give the reason the risk is accepted').max(LIMITS.message),
    /** When the exception ends; give this or `days`. */
    expiresAt: timestamp.optional(),
    days: z.number().int().min(1).max(3650).optional(),
  })
  .refine((b) => (b.expiresAt === undefined) !== (b.days === undefined), { message: 'give exactly one of expiresAt or days', path: ['expiresAt'] });
export type AcceptRiskBody = z.infer<typeof AcceptRiskBody>;

export const NotAffectedBody = z.object({ note: z.string().trim().min(1, 'say why the device is not affected').max(LIMITS.message) });

export const AdvisoryDetail = AdvisoryView.extend({
  provenance: z.object({ importId: id, feedFile: text(1024), importedAt: timestamp, firstImportedAt: timestamp }),
  findings: z.object({ total: count, active: count }),
});
export type AdvisoryDetail = z.infer<typeof AdvisoryDetail>;

export const ComplianceSeriesPoint = z.object({
  day: z.iso.date(),
  noOverduePercent: z.number().nullable(),
  noMissingSecurityPercent: z.number().nullable(),
  openFindings: count,
  overdueFindings: count,
  devicesStale: count,
});

export const ComplianceSeries = z.object({
  dimension: ComplianceDimension,
  key: text(),
  from: z.iso.date(),
  to: z.iso.date(),
  /** One point per stored daily snapshot (days the server was not running have none). */
  series: z.array(ComplianceSeriesPoint),
  fixed: count,
  fixedWithinSla: count,
  mttrDays: z.number().nullable(),
});
export type ComplianceSeries = z.infer<typeof ComplianceSeries>;

export const SelectionResolveBody = z.object({
  selection: FindingSelection,
  /** Limit to these devices (default: the whole fleet). */
  deviceIds: z.array(id).max(LIMITS.listItems).optional(),
  /** Limit to devices carrying every one of these tags (`group=NAME` for a group). */
  tags: z.array(text()).max(LIMITS.smallList).optional(),
});
export type SelectionResolveBody = z.infer<typeof SelectionResolveBody>;

export const SelectionResolveResult = ResolvedSelection.extend({
  /** When the selection was resolved: a deployment made from it pins these versions. */
  resolvedAt: timestamp,
  findingsSelected: count,
  byPriority: z.record(Priority, count),
});
export type SelectionResolveResult = z.infer<typeof SelectionResolveResult>;
