import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstalledPackage } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { parseFeedFiles } from '../advisories/feed-file.js';
import { unwrapFeed } from '../advisories/feed-issue.js';
import { InMemoryThreatIntel } from '../advisories/threat-intel.js';
import { computeComplianceSummary } from '../compliance/summary.js';
import { InMemoryAffectedIndex } from '../matching/affected-index.js';
import { deviceEcosystem } from '../matching/ecosystem.js';
import { InMemoryInstalledIndex } from '../matching/installed-index.js';
import { toMatchables } from '../matching/matchable.js';
import { Matcher } from '../matching/matcher.js';
import { overdueFindingRows, renderComplianceJson } from '../reports/compliance-report.js';
import { renderComplianceCsv } from '../reports/render-csv.js';
import { renderCompliancePdf } from '../reports/render-pdf.js';
import { factsForHit } from './assess.js';
import type { Finding } from './finding.js';
import { toFindingView } from './finding.js';
import { reconcile } from './reconcile.js';

/**
 * The "done when", through the pure pieces phase 2 wires to storage: import real feed
 * files → a device with an old package has a finding with score parts and a due date → upgrading
 * it closes the finding with evidence → the compliance report in JSON, CSV and PDF shows it.
 */
const fixture = (name: string) => ({ name, bytes: readFileSync(new URL(`../advisories/fixtures/${name}`, import.meta.url)) });

describe('feeds → findings → compliance report', () => {
  it('runs end to end on the real Ubuntu record and KEV catalog', async () => {
    const bundle = unwrapFeed(parseFeedFiles([fixture('osv-ubuntu-USN-2319-3.json'), fixture('cisa-kev-catalog.excerpt.json')]));
    const advisories = new Map(bundle.advisories.map((a) => [a.id, a]));
    const matcher = new Matcher(new InMemoryAffectedIndex(), new InMemoryInstalledIndex());
    for (const a of bundle.advisories) matcher.applyAdvisory(a);
    const scoring = { intel: new InMemoryThreatIntel(bundle.kev, bundle.epss), asset: () => ({ criticality: 'critical' as const, internetFacing: false }) };
    const eco = deviceEcosystem({ platform: 'linux', distro: 'Ubuntu', release: '14.04', id: 'ubuntu', kernel: '3.13', arch: 'x86_64' });
    if (!eco.ok) throw new Error(eco.reason);
    const store = new Map<string, Finding>();
    let packages: InstalledPackage[] = [];
    const inventory = (id: string, at: string, version: string) => {
      packages = [{ manager: 'apt', name: 'openjdk-7-jre-headless', version, arch: 'amd64', source: { name: 'openjdk-7', version } }];
      const m = matcher.updateDevice('trusty-1', eco.ecosystem, toMatchables(eco.ecosystem, packages));
      const r = reconcile({
        scope: { kind: 'device', deviceId: 'trusty-1', groups: m.scope === 'all' ? 'all' : new Set(m.scope.groups), sources: ['osv'] },
        existing: [...store.values()], hits: m.hits, report: { id, observedAt: at },
        current: () => ({ kind: 'present', version: packages[0]!.version }),
        facts: (h) => factsForHit(h, (x) => advisories.get(x)), scoring,
      });
      for (const f of r.upserts) store.set(f.id, f);
      return r;
    };

    const opened = inventory('inv-1', '2025-06-01T08:00:00.000Z', '7u55-2.4.7-1ubuntu1');
    const view = toFindingView(opened.upserts[0]!, '2025-06-02T00:00:00.000Z');
    expect(view).toMatchObject({ advisoryId: 'USN-2319-3', fixedVersion: '7u65-2.5.2-3~14.04', dueAt: '2025-08-30T08:00:00.000Z', state: 'open' });
    expect(view.score.factors.map((f) => f.factor)).toEqual(['cvss', 'epss', 'kev', 'ransomware', 'criticality', 'exposure']);

    const report = (now: string) => {
      const findings = [...store.values()];
      const summary = computeComplianceSummary({
        devices: [{ id: 'trusty-1', hostname: 'trusty-1', tags: [], groups: ['prod'], os: 'Ubuntu 14.04', enrolledAt: '2025-01-01T00:00:00.000Z', lastSeenAt: now, retiredAt: null }],
        findings, jobs: [], from: '2025-06-01T00:00:00.000Z', to: now,
      });
      return { title: 'Compliance', generatedAt: now, generatedBy: null, summary, overdueFindings: overdueFindingRows(findings, () => 'trusty-1', now), deployments: [], auditHeadHash: 'b'.repeat(64) };
    };
    const before = report('2025-09-01T00:00:00.000Z');
    expect(before.summary.coverage.noOverdue.percent).toBe(0);
    expect(before.overdueFindings.map((f) => f.advisoryId)).toEqual(['USN-2319-3']);

    const fixed = inventory('inv-2', '2025-09-02T08:00:00.000Z', '7u65-2.5.2-3~14.04');
    expect(fixed.upserts[0]).toMatchObject({ status: 'fixed', evidence: { inventoryReportId: 'inv-2', installedVersion: '7u65-2.5.2-3~14.04' } });

    const after = report('2025-09-03T00:00:00.000Z');
    expect(JSON.parse(renderComplianceJson(after)).summary).toMatchObject({
      coverage: { noOverdue: { percent: 100 } }, slaAttainment: { numerator: 0, denominator: 1 }, timeToPatch: { fromFirstSeen: { count: 1, medianDays: 93 } },
    });
    expect(renderComplianceCsv(after, 'metrics')).toContain('coverage,no_overdue_finding,100,1,1,percent');
    const dir = mkdtempSync(join(tmpdir(), 'patchwave-pipeline-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), await renderCompliancePdf(after));
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toMatch(/Coverage: no overdue security finding\s+100\.0 % \(1\/1\)/);
      expect(text).toContain('Open overdue findings (0)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
