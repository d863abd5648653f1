import { z } from 'zod';
import { ComplianceSummary, Priority } from '@patchwave/shared';
import type { FindingSeverity } from '@patchwave/shared';
import type { Finding } from '../findings/finding.js';
import { findingState } from '../findings/finding.js';

/**
 * Everything a compliance report shows, gathered by the caller (phase 2: storage + audit log)
 * and validated here before any format is rendered: scope and metrics, the open overdue findings,
 * the deployments with their approvals, and the audit-log head hash the data was read at, so an
 * auditor can tie the report to a verifiable point in the log.
 */

const timestamp = z.iso.datetime({ offset: true });

export const OverdueFindingRow = z.object({
  findingId: z.string(),
  deviceId: z.string(),
  hostname: z.string(),
  advisoryId: z.string(),
  cves: z.array(z.string()),
  package: z.string(),
  installedVersion: z.string(),
  fixedVersion: z.string().nullable(),
  severity: z.string(),
  priority: Priority,
  score: z.number(),
  kev: z.boolean(),
  firstSeenAt: timestamp,
  dueAt: timestamp,
  daysOverdue: z.number().nonnegative(),
});
export type OverdueFindingRow = z.infer<typeof OverdueFindingRow>;

export const ReportDeployment = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  createdBy: z.string(),
  createdAt: timestamp,
  devices: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  approvals: z.array(
    z.object({
      approver: z.string(),
      decision: z.enum(['approved', 'rejected']),
      decidedAt: timestamp,
      comment: z.string().optional(),
    }),
  ),
});
export type ReportDeployment = z.infer<typeof ReportDeployment>;

export const ComplianceReport = z.object({
  title: z.string().min(1).max(256),
  generatedAt: timestamp,
  generatedBy: z.string().max(256).nullable(),
  summary: ComplianceSummary,
  overdueFindings: z.array(OverdueFindingRow),
  deployments: z.array(ReportDeployment),
  /** SHA-256 (hex) of the newest audit-log entry when the data was read. */
  auditHeadHash: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest'),
});
export type ComplianceReport = z.infer<typeof ComplianceReport>;

export const REPORT_FORMAT = 'patchwave-compliance-report/1';

/** The overdue rows of a report from stored findings, most overdue and highest priority first. */
export function overdueFindingRows(findings: readonly Finding[], hostnameOf: (deviceId: string) => string, now: string): OverdueFindingRow[] {
  const t = Date.parse(now);
  return findings
    .filter((f) => findingState(f, now) === 'overdue')
    .map((f) => ({
      findingId: f.id,
      deviceId: f.deviceId,
      hostname: hostnameOf(f.deviceId),
      advisoryId: f.advisoryId,
      cves: f.cves,
      package: f.group,
      installedVersion: f.installedVersion,
      fixedVersion: f.fixedVersion,
      severity: f.severity satisfies FindingSeverity,
      priority: f.score.priority,
      score: f.score.total,
      kev: f.threat.kev !== null,
      firstSeenAt: f.firstSeenAt,
      dueAt: f.dueAt,
      daysOverdue: Math.round(((t - Date.parse(f.dueAt)) / 86_400_000) * 10) / 10,
    }))
    .sort((a, b) => Priority.options.indexOf(a.priority) - Priority.options.indexOf(b.priority) || b.daysOverdue - a.daysOverdue);
}

/** Validates report data; a failure is a ZodError naming the bad field. */
export function parseComplianceReport(input: unknown): ComplianceReport {
  return ComplianceReport.parse(input);
}

export function renderComplianceJson(report: ComplianceReport): string {
  return `${JSON.stringify({ format: REPORT_FORMAT, ...ComplianceReport.parse(report) }, null, 2)}\n`;
}
