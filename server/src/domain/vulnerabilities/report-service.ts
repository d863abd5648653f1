import { Priority } from '@patchwave/shared';
import type { AuditLog } from '../audit/audit-log.js';
import { GENESIS_HASH } from '../audit/audit-entry.js';
import type { Clock } from '../clock.js';
import { inScope, overdueAt } from '../compliance/history.js';
import type { Finding } from '../findings/finding.js';
import { renderComplianceJson } from '../reports/compliance-report.js';
import type { ComplianceReport, OverdueFindingRow } from '../reports/compliance-report.js';
import { renderComplianceCsv } from '../reports/render-csv.js';
import type { CsvTable } from '../reports/render-csv.js';
import { renderCompliancePdf } from '../reports/render-pdf.js';
import type { Repositories, Store } from '../store.js';
import type { ComplianceService, SummaryRequest } from './compliance-service.js';
import { deploymentHistory } from './deployment-history.js';

export type ReportFormat = 'json' | 'csv' | 'pdf';

export interface RenderedReport {
  format: ReportFormat;
  contentType: string;
  fileName: string;
  body: Buffer;
  auditHeadHash: string;
}

/** Rows of findings overdue at `t` (the report's end), most urgent first. */
function overdueRows(findings: readonly Finding[], hostnameOf: (id: string) => string, t: number): OverdueFindingRow[] {
  return findings
    .filter((f) => overdueAt(f, t))
    .map((f) => ({
      findingId: f.id,
      deviceId: f.deviceId,
      hostname: hostnameOf(f.deviceId),
      advisoryId: f.advisoryId,
      cves: f.cves,
      package: f.group,
      installedVersion: f.installedVersion,
      fixedVersion: f.fixedVersion,
      severity: f.severity,
      priority: f.score.priority,
      score: f.score.total,
      kev: f.threat.kev !== null,
      firstSeenAt: f.firstSeenAt,
      dueAt: f.dueAt,
      daysOverdue: Math.round(((t - Date.parse(f.dueAt)) / 86_400_000) * 10) / 10,
    }))
    .sort((a, b) => Priority.options.indexOf(a.priority) - Priority.options.indexOf(b.priority) || b.daysOverdue - a.daysOverdue);
}

/**
 * The compliance report: summary, open overdue findings, deployments with approvals, and the
 * audit-log head hash, all read in one transaction so the report is tied to a verifiable point of
 * the chain. Making a report is itself audited (after the head is read).
 */
export class ReportService {
  constructor(
    private readonly store: Store,
    private readonly compliance: ComplianceService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async complianceReport(req: SummaryRequest, format: ReportFormat, actor: string, table: CsvTable = 'metrics'): Promise<RenderedReport> {
    const report = await this.store.transaction(async (tx) => {
      const r = await this.gather(tx, req, actor);
      await this.audit.record(tx.audit, {
        actor,
        action: 'report.compliance',
        target: '',
        details: { format, ...(format === 'csv' ? { table } : {}), period: r.summary.period, scope: r.summary.scope, auditHeadHash: r.auditHeadHash },
      });
      return r;
    });
    const stamp = report.generatedAt.slice(0, 10);
    if (format === 'json') return { format, contentType: 'application/json; charset=utf-8', fileName: `compliance-${stamp}.json`, body: Buffer.from(renderComplianceJson(report)), auditHeadHash: report.auditHeadHash };
    if (format === 'csv') return { format, contentType: 'text/csv; charset=utf-8', fileName: `compliance-${table}-${stamp}.csv`, body: Buffer.from(renderComplianceCsv(report, table)), auditHeadHash: report.auditHeadHash };
    return { format, contentType: 'application/pdf', fileName: `compliance-${stamp}.pdf`, body: await renderCompliancePdf(report), auditHeadHash: report.auditHeadHash };
  }

  private async gather(tx: Repositories, req: SummaryRequest, actor: string): Promise<ComplianceReport> {
    const now = this.clock.now();
    const generatedAt = now.toISOString();
    const summary = await this.compliance.summaryIn(tx, req, now);
    const t = Date.parse(summary.period.to);
    const devices = await tx.compliance.devices();
    const scoped = new Map(devices.filter((d) => inScope(d, summary.scope)).map((d) => [d.id, d.hostname]));
    let candidates: Finding[];
    if (summary.period.to === generatedAt) {
      candidates = (await tx.findings.query({ states: ['overdue'], sort: 'dueAt', order: 'asc', limit: 1_000_000, offset: 0 }, generatedAt)).items;
    } else {
      const history = await tx.compliance.history(summary.period.to);
      candidates = await tx.findings.getMany(history.findings.filter((f) => overdueAt(f, t)).map((f) => f.id));
    }
    const overdueFindings = overdueRows(candidates.filter((f) => scoped.has(f.deviceId)), (id) => scoped.get(id) ?? id, t);
    const { deployments } = await deploymentHistory(tx, summary.period.from, summary.period.to);
    const head = await tx.audit.head();
    return {
      title: 'patchwave compliance report',
      generatedAt,
      generatedBy: actor,
      summary,
      overdueFindings,
      deployments,
      auditHeadHash: head?.hash ?? GENESIS_HASH,
    };
  }
}
