import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { computeComplianceSummary } from '../compliance/summary.js';
import type { ComplianceReport } from './compliance-report.js';
import { REPORT_FORMAT, renderComplianceJson } from './compliance-report.js';
import { csvCell, toCsv } from './csv.js';
import { renderComplianceCsv, renderComplianceCsvBundle } from './render-csv.js';
import { renderCompliancePdf } from './render-pdf.js';

/** RFC 4180 reader, used to check that what we write reads back cell for cell. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('CSV', () => {
  it('quotes per RFC 4180 and neutralises formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', null]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
    expect(['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', 'ok', '=HYPERLINK("http://x","y")'].map(csvCell)).toEqual([
      "'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", 'ok', `"'=HYPERLINK(""http://x"",""y"")"`,
    ]);
    expect([-3, 0.5, true, undefined, Number.NaN].map(csvCell)).toEqual(['-3', '0.5', 'true', '', '']);
    expect(() => toCsv(['a', 'b'], [['only one']])).toThrow(/1 cells, header has 2/);
  });

  it('any text reads back as written (after the formula guard)', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { maxLength: 5 }), (rows) => {
      const back = readCsv(toCsv(['a', 'b'], rows));
      expect(back.slice(1)).toEqual(rows.map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c))));
    }));
  });
});

const HASH = 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778';
const report: ComplianceReport = {
  title: 'Quarterly patch compliance',
  generatedAt: '2025-08-01T09:00:00.000Z',
  generatedBy: 'auditor@example.org',
  summary: computeComplianceSummary({
    devices: [
      { id: 'd1', hostname: 'web-1', tags: ['internet-facing'], groups: ['prod'], os: 'Debian 12', enrolledAt: '2025-01-01T00:00:00.000Z', lastSeenAt: '2025-07-31T00:00:00.000Z', retiredAt: null },
      { id: 'd2', hostname: '=cmd|/c calc', tags: [], groups: ['prod'], os: 'Ubuntu 22.04', enrolledAt: '2025-01-01T00:00:00.000Z', lastSeenAt: null, retiredAt: null },
    ],
    findings: [
      { id: 'f1', deviceId: 'd1', status: 'fixed', firstSeenAt: '2025-06-01T00:00:00.000Z', resolvedAt: '2025-06-06T00:00:00.000Z', dueAt: '2025-07-01T00:00:00.000Z', advisoryPublishedAt: null, exception: null, evidence: { kind: 'upgraded', inventoryReportId: 'inv-9', observedAt: '2025-06-06T00:00:00.000Z', installedVersion: '1.2-3+deb12u1' }, score: { priority: 'P2' } },
      { id: 'f2', deviceId: 'd1', status: 'open', firstSeenAt: '2025-06-01T00:00:00.000Z', resolvedAt: null, dueAt: '2025-06-15T00:00:00.000Z', advisoryPublishedAt: null, exception: null, evidence: null, score: { priority: 'P1' } },
    ],
    jobs: [{ deploymentId: 'dep-1', deviceId: 'd1', status: 'succeeded', finishedAt: '2025-06-06T00:00:00.000Z' }],
    from: '2025-06-01T00:00:00.000Z',
    to: '2025-07-31T23:59:59.999Z',
  }),
  overdueFindings: [{
    findingId: 'f2', deviceId: 'd1', hostname: 'web-1', advisoryId: 'DEBIAN-CVE-2024-90002', cves: ['CVE-2024-90002'], package: 'openssl',
    installedVersion: '3.0.11-1~deb12u2', fixedVersion: '3.0.13-1~deb12u1', severity: 'critical', priority: 'P1', score: 74.3, kev: true,
    firstSeenAt: '2025-06-01T00:00:00.000Z', dueAt: '2025-06-15T00:00:00.000Z', daysOverdue: 47,
  }],
  deployments: [
    { id: 'dep-1', name: 'June openssl', state: 'completed', createdBy: 'ops@example.org', createdAt: '2025-06-04T08:00:00.000Z', devices: 1, failed: 0,
      approvals: [{ approver: 'cab@example.org', decision: 'approved', decidedAt: '2025-06-05T08:00:00.000Z', comment: 'CAB-4711, low risk' }] },
    { id: 'dep-2', name: '+rollback test', state: 'draft', createdBy: 'ops@example.org', createdAt: '2025-07-01T08:00:00.000Z', devices: 0, failed: 0, approvals: [] },
  ],
  auditHeadHash: HASH,
};

describe('compliance report rendering', () => {
  it('JSON carries its format, the audit head hash and validates its input', () => {
    const doc = JSON.parse(renderComplianceJson(report));
    expect(doc).toMatchObject({ format: REPORT_FORMAT, auditHeadHash: HASH, summary: { slaAttainment: { numerator: 1, denominator: 2 } } });
    expect(() => renderComplianceJson({ ...report, auditHeadHash: 'not-a-hash' })).toThrow(/SHA-256 hex digest/);
  });

  it('CSV tables are machine-readable and guarded', () => {
    const metrics = readCsv(renderComplianceCsv(report, 'metrics'));
    expect(metrics[0]).toEqual(['section', 'metric', 'value', 'numerator', 'denominator', 'unit']);
    expect(metrics).toContainEqual(['report', 'audit_head_hash', HASH, '', '', 'sha256']);
    expect(metrics).toContainEqual(['sla', 'attainment', '50', '1', '2', 'percent']);
    expect(metrics).toContainEqual(['coverage', 'no_overdue_finding', '0', '0', '2', 'percent']);
    const stale = readCsv(renderComplianceCsv(report, 'stale-devices'));
    expect(stale[1]).toEqual(['d2', "'=cmd|/c calc", 'never', '']);
    const deps = readCsv(renderComplianceCsv(report, 'deployments'));
    expect(deps.slice(1)).toEqual([
      ['dep-1', 'June openssl', 'completed', 'ops@example.org', '2025-06-04T08:00:00.000Z', '1', '0', 'cab@example.org', 'approved', '2025-06-05T08:00:00.000Z', 'CAB-4711, low risk'],
      ['dep-2', "'+rollback test", 'draft', 'ops@example.org', '2025-07-01T08:00:00.000Z', '0', '0', '', '', '', ''],
    ]);
    expect(Object.keys(renderComplianceCsvBundle(report))).toEqual([
      'compliance-metrics.csv', 'compliance-breakdown.csv', 'compliance-overdue-findings.csv', 'compliance-deployments.csv', 'compliance-stale-devices.csv',
    ]);
  });

  describe('PDF (read back with poppler’s pdftotext)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchwave-report-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('shows scope, metrics, overdue findings, deployments with approvals and the audit head hash', async () => {
      const pdf = await renderCompliancePdf(report);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const file = join(dir, 'report.pdf');
      writeFileSync(file, pdf);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      for (const expected of [
        'Quarterly patch compliance', `Audit-log head hash (SHA-256): ${HASH}`, 'Period', '2025-06-01T00:00:00.000Z to 2025-07-31T23:59:59.999Z',
        'SLA attainment', '50.0 % (1/2)', 'DEBIAN-CVE-2024-90002', 'CVE-2024-90002', '3.0.13-1~deb12u1', 'June openssl',
        'approved by cab@example.org', 'Stale devices (1)', '=cmd|/c calc', 'page 1 of',
      ]) expect(text).toContain(expected);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(/Title:\s+Quarterly patch compliance/);
    });

    it('the same report renders the same text', async () => {
      const [a, b] = await Promise.all([renderCompliancePdf(report), renderCompliancePdf(report)]);
      writeFileSync(join(dir, 'a.pdf'), a);
      writeFileSync(join(dir, 'b.pdf'), b);
      const text = (f: string) => execFileSync('pdftotext', [join(dir, f), '-'], { encoding: 'utf8' });
      expect(text('a.pdf')).toBe(text('b.pdf'));
    });
  });
});
