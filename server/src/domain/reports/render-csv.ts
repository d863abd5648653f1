import type { Ratio } from '@patchwave/shared';
import type { ComplianceReport } from './compliance-report.js';
import { toCsv } from './csv.js';
import type { CsvCell } from './csv.js';

/**
 * A compliance report as CSV tables, one concern each, for machines: `metrics` (self-describing,
 * with scope, period and the audit head hash), `breakdown`, `overdue-findings`, `deployments`
 * (one row per approval) and `stale-devices`.
 */

export const CSV_TABLES = ['metrics', 'breakdown', 'overdue-findings', 'deployments', 'stale-devices'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

function ratioRow(section: string, metric: string, r: Ratio): CsvCell[] {
  return [section, metric, r.percent, r.numerator, r.denominator, r.percent === null ? 'no data' : 'percent'];
}

function metrics(r: ComplianceReport): string {
  const s = r.summary;
  const rows: CsvCell[][] = [
    ['report', 'title', r.title, null, null, 'text'],
    ['report', 'generated_at', r.generatedAt, null, null, 'timestamp'],
    ['report', 'generated_by', r.generatedBy, null, null, 'text'],
    ['report', 'audit_head_hash', r.auditHeadHash, null, null, 'sha256'],
    ['scope', 'period_from', s.period.from, null, null, 'timestamp'],
    ['scope', 'period_to', s.period.to, null, null, 'timestamp'],
    ['scope', 'groups', s.scope.groups.join(' '), null, null, 'text'],
    ['scope', 'tags', s.scope.tags.join(' '), null, null, 'text'],
    ['scope', 'os', s.scope.os.join(' '), null, null, 'text'],
    ['scope', 'stale_after_days', s.staleAfterDays, null, null, 'days'],
    ['devices', 'in_scope', s.devices.inScope, null, null, 'count'],
    ['devices', 'stale', s.devices.stale, null, null, 'count'],
    ratioRow('coverage', 'no_overdue_finding', s.coverage.noOverdue),
    ratioRow('coverage', 'no_missing_security_update', s.coverage.noMissingSecurity),
    ['time_to_patch', 'from_first_seen_median', s.timeToPatch.fromFirstSeen.medianDays, s.timeToPatch.fromFirstSeen.count, null, 'days'],
    ['time_to_patch', 'from_first_seen_p90', s.timeToPatch.fromFirstSeen.p90Days, s.timeToPatch.fromFirstSeen.count, null, 'days'],
    ['time_to_patch', 'from_published_median', s.timeToPatch.fromPublished.medianDays, s.timeToPatch.fromPublished.count, null, 'days'],
    ['time_to_patch', 'from_published_p90', s.timeToPatch.fromPublished.p90Days, s.timeToPatch.fromPublished.count, null, 'days'],
    ['time_to_patch', 'mttr', s.mttrDays, s.timeToPatch.fromFirstSeen.count, null, 'days'],
    ratioRow('sla', 'attainment', s.slaAttainment),
    ratioRow('deployments', 'failure_rate', s.failureRate.overall),
    ...s.failureRate.byDeployment.map((d) => ratioRow('deployments', `failure_rate:${d.deploymentId}`, d.rate)),
    ['findings', 'open', s.openFindings.total, null, null, 'count'],
    ['findings', 'overdue', s.openFindings.overdue, null, null, 'count'],
    ...(['P1', 'P2', 'P3', 'P4'] as const).map((p): CsvCell[] => ['findings', `open_${p}`, s.openFindings.byPriority[p], null, null, 'count']),
  ];
  return toCsv(['section', 'metric', 'value', 'numerator', 'denominator', 'unit'], rows);
}

function breakdown(r: ComplianceReport): string {
  return toCsv(
    ['dimension', 'key', 'devices_in_scope', 'devices_stale', 'no_overdue_percent', 'no_overdue', 'no_missing_security_percent', 'no_missing_security', 'open_findings', 'overdue_findings'],
    r.summary.breakdown.map((b) => [
      b.dimension, b.key, b.devicesInScope, b.devicesStale, b.noOverdue.percent, b.noOverdue.numerator,
      b.noMissingSecurity.percent, b.noMissingSecurity.numerator, b.openFindings, b.overdueFindings,
    ]),
  );
}

function overdue(r: ComplianceReport): string {
  return toCsv(
    ['finding_id', 'device_id', 'hostname', 'advisory_id', 'cves', 'package', 'installed_version', 'fixed_version', 'severity', 'priority', 'score', 'kev', 'first_seen_at', 'due_at', 'days_overdue'],
    r.overdueFindings.map((f) => [
      f.findingId, f.deviceId, f.hostname, f.advisoryId, f.cves.join(' '), f.package, f.installedVersion, f.fixedVersion,
      f.severity, f.priority, f.score, f.kev, f.firstSeenAt, f.dueAt, f.daysOverdue,
    ]),
  );
}

function deployments(r: ComplianceReport): string {
  const rows: CsvCell[][] = [];
  for (const d of r.deployments) {
    const base: CsvCell[] = [d.id, d.name, d.state, d.createdBy, d.createdAt, d.devices, d.failed];
    if (d.approvals.length === 0) rows.push([...base, null, null, null, null]);
    for (const a of d.approvals) rows.push([...base, a.approver, a.decision, a.decidedAt, a.comment]);
  }
  return toCsv(['deployment_id', 'name', 'state', 'created_by', 'created_at', 'devices', 'failed', 'approver', 'decision', 'decided_at', 'comment'], rows);
}

function stale(r: ComplianceReport): string {
  return toCsv(
    ['device_id', 'hostname', 'last_seen_at', 'days_silent'],
    r.summary.staleDevices.map((d) => [d.deviceId, d.hostname, d.lastSeenAt ?? 'never', d.daysSilent]),
  );
}

export function renderComplianceCsv(report: ComplianceReport, table: CsvTable = 'metrics'): string {
  switch (table) {
    case 'metrics':
      return metrics(report);
    case 'breakdown':
      return breakdown(report);
    case 'overdue-findings':
      return overdue(report);
    case 'deployments':
      return deployments(report);
    case 'stale-devices':
      return stale(report);
  }
}

/** Every table, keyed by a file name (`compliance-metrics.csv`, …). */
export function renderComplianceCsvBundle(report: ComplianceReport): Record<string, string> {
  return Object.fromEntries(CSV_TABLES.map((t) => [`compliance-${t}.csv`, renderComplianceCsv(report, t)]));
}
