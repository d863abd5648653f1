import PDFDocument from 'pdfkit';
import type { Ratio } from '@patchwave/shared';
import { ComplianceReport } from './compliance-report.js';

/**
 * The compliance report for auditors, as PDF (pdfkit, built-in Helvetica): scope, metrics, the
 * breakdown, stale devices, open overdue findings, deployments with their approvals, and the
 * audit-log head hash on every page footer. The document's dates come from the report, so the
 * same report renders the same text. Helvetica covers Latin-1; other characters print as `?`.
 */

const pct = (r: Ratio): string => (r.percent === null ? 'n/a (0 of 0)' : `${r.percent.toFixed(1)} % (${r.numerator}/${r.denominator})`);
const days = (n: number | null): string => (n === null ? 'n/a' : `${n} d`);
/** Keeps what WinAnsi (Helvetica's encoding in PDF) can show. */
const latin1 = (s: string): string => s.replace(/[^\t\n\r\x20-\x7e\xa0-\xff]/g, '?');

type Doc = InstanceType<typeof PDFDocument>;

function heading(doc: Doc, text: string): void {
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('#000').text(latin1(text), doc.page.margins.left);
  doc.moveDown(0.3).font('Helvetica').fontSize(8.5);
}

function table(doc: Doc, header: string[] | null, rows: string[][], widths: (number | string)[]): void {
  if (rows.length === 0) {
    doc.font('Helvetica-Oblique').text('none').font('Helvetica');
    return;
  }
  doc.font('Helvetica').fontSize(8);
  doc.table({
    columnStyles: widths.map((width) => ({ width })),
    rowStyles: (i: number) => (i === 0 && header ? { backgroundColor: '#e8e8e8' } : undefined),
    defaultStyle: { padding: 2, border: 0.5, borderColor: '#999999' },
    data: [...(header ? [header.map((h) => ({ text: h, font: { family: 'Helvetica-Bold' } }))] : []), ...rows.map((r) => r.map(latin1))],
  });
  doc.x = doc.page.margins.left;
}

function keyValues(doc: Doc, pairs: [string, string][]): void {
  table(doc, null, pairs, [190, '*']);
}

export function renderCompliancePdf(input: ComplianceReport): Promise<Buffer> {
  const report = ComplianceReport.parse(input);
  const s = report.summary;
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 36,
    bufferPages: true,
    info: { Title: latin1(report.title), Author: 'patchwave', Creator: 'patchwave', Producer: 'patchwave', CreationDate: new Date(report.generatedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(18).text(latin1(report.title));
  doc.font('Helvetica').fontSize(9).text(`Generated ${report.generatedAt}${report.generatedBy ? ` by ${latin1(report.generatedBy)}` : ''}`);
  doc.text(`Audit-log head hash (SHA-256): ${report.auditHeadHash}`);

  heading(doc, 'Scope');
  keyValues(doc, [
    ['Period', `${s.period.from} to ${s.period.to}`],
    ['Groups', s.scope.groups.join(', ') || 'all'],
    ['Tags', s.scope.tags.join(', ') || 'all'],
    ['Operating systems', s.scope.os.join(', ') || 'all'],
    ['Devices in scope', `${s.devices.inScope} of ${s.devices.total}`],
    ['Stale devices (never counted compliant)', `${s.devices.stale} (silent > ${s.staleAfterDays} days)`],
  ]);

  heading(doc, 'Metrics');
  const ttp = s.timeToPatch;
  keyValues(doc, [
    ['Coverage: no overdue security finding', pct(s.coverage.noOverdue)],
    ['Coverage: no missing security update', pct(s.coverage.noMissingSecurity)],
    ['Time to patch from first seen (median / p90)', `${days(ttp.fromFirstSeen.medianDays)} / ${days(ttp.fromFirstSeen.p90Days)} over ${ttp.fromFirstSeen.count} fixes`],
    ['Time to patch from publication (median / p90)', `${days(ttp.fromPublished.medianDays)} / ${days(ttp.fromPublished.p90Days)} over ${ttp.fromPublished.count} fixes`],
    ['MTTR (mean, first seen to fix)', days(s.mttrDays)],
    ['SLA attainment', pct(s.slaAttainment)],
    ['Patch failure rate (device jobs)', pct(s.failureRate.overall)],
    ['Open findings (P1 / P2 / P3 / P4)', `${s.openFindings.total} (${s.openFindings.byPriority.P1} / ${s.openFindings.byPriority.P2} / ${s.openFindings.byPriority.P3} / ${s.openFindings.byPriority.P4}), ${s.openFindings.overdue} overdue`],
  ]);

  heading(doc, 'Coverage by tag, group and OS');
  table(
    doc,
    ['Dimension', 'Key', 'Devices', 'Stale', 'No overdue', 'No missing update', 'Open', 'Overdue'],
    s.breakdown.map((b) => [b.dimension, b.key, String(b.devicesInScope), String(b.devicesStale), pct(b.noOverdue), pct(b.noMissingSecurity), String(b.openFindings), String(b.overdueFindings)]),
    [60, '*', 50, 40, 110, 110, 45, 50],
  );

  heading(doc, `Stale devices (${s.staleDevices.length})`);
  table(doc, ['Device', 'Hostname', 'Last seen', 'Days silent'], s.staleDevices.map((d) => [d.deviceId, d.hostname, d.lastSeenAt ?? 'never', d.daysSilent === null ? 'n/a' : String(d.daysSilent)]), [150, '*', 160, 70]);

  heading(doc, `Open overdue findings (${report.overdueFindings.length})`);
  table(
    doc,
    ['Prio', 'Score', 'Host', 'Advisory', 'CVEs', 'Package', 'Installed', 'Fixed in', 'Due', 'Days over', 'KEV'],
    report.overdueFindings.map((f) => [f.priority, String(f.score), f.hostname, f.advisoryId, f.cves.join(' '), f.package, f.installedVersion, f.fixedVersion ?? 'no fix', f.dueAt.slice(0, 10), String(f.daysOverdue), f.kev ? 'yes' : '']),
    [28, 32, 80, 120, '*', 70, 75, 75, 55, 40, 25],
  );

  heading(doc, `Deployments and approvals (${report.deployments.length})`);
  table(
    doc,
    ['Deployment', 'Name', 'State', 'Created by', 'Created', 'Devices', 'Failed', 'Approvals'],
    report.deployments.map((d) => [
      d.id, d.name, d.state, d.createdBy, d.createdAt.slice(0, 16), String(d.devices), String(d.failed),
      d.approvals.length === 0 ? 'none' : d.approvals.map((a) => `${a.decision} by ${a.approver} at ${a.decidedAt.slice(0, 16)}${a.comment ? `: ${a.comment}` : ''}`).join('\n'),
    ]),
    [80, 90, 60, 70, 75, 40, 35, '*'],
  );

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would make pdfkit start a new page: lift the margin meanwhile.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7).fillColor('#555');
    doc.text(`patchwave compliance report - audit head ${report.auditHeadHash} - page ${i + 1} of ${range.count}`, doc.page.margins.left, doc.page.height - margin + 12, {
      lineBreak: false,
      width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
    });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return done;
}
