import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FindingDetail, FindingListItem, Page, SelectionResolveResult } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgentForTests } from '../support/agent-bundle.js';
import { dpkgState, LocalAptRepo } from '../support/apt-local-repo.js';
import { Api, startDeployServer, waitForDeployment, type DeployServer } from '../support/deploy-fleet.js';
import { cli, freePort, spawnNode, stop, waitFor, type Proc } from '../support/processes.js';

/**
 * Issue 5 "done when", end to end with real processes: a real server, a real agent on this
 * machine whose apt sees only a local repository the test builds, a test package installed at 1.0
 * and built from a source package of another name. `patchwave feeds import` of an OSV record in
 * the Debian schema for that source package (fixed in 1.1), a KEV catalog and an EPSS file naming
 * its CVE → the device shows a finding with score parts and a due date. The selection "fixes
 * CVE-X" becomes a deployment that upgrades the package through the agent; the agent's
 * re-inventory closes the finding with its evidence; the compliance report in JSON, CSV and PDF
 * shows the change. Every test package is purged at the end.
 */

if (process.getuid?.() !== 0) {
  throw new Error('this test installs packages with dpkg and must run as root (CI runs the suite as root)');
}

const log = (label: string, text: string) => console.log(`[vuln-e2e] ${label}:\n${text.trimEnd()}\n`);

let dir: string;
let server: DeployServer;
let api: Api;
let repo: LocalAptRepo;
let agent: Proc | undefined;
const pkg = LocalAptRepo.uniqueName('vuln');
const source = `${pkg}-src`;
const cve = `CVE-2099-${randomInt(10_000, 99_999)}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-e2e-vuln-'));
  repo = await LocalAptRepo.create();
  await repo.add({ name: pkg, version: '1.0', suite: 'updates', source });
  await repo.add({ name: pkg, version: '1.1', suite: 'security', source });
  await repo.publish();
  await repo.install([`${pkg}=1.0`]);
  server = await startDeployServer(dir, await freePort());
  api = new Api(() => server);
}, 180_000);

afterAll(async () => {
  if (agent) await stop(agent, 'SIGTERM');
  if (server) await stop(server.proc, 'SIGKILL');
  if (repo) {
    const purged = await repo.dispose();
    log('purged at the end', purged.join(', '));
    expect(await dpkgState(pkg)).toBeUndefined();
  }
  rmSync(dir, { recursive: true, force: true });
}, 180_000);

const env = () => ({ PATCHWAVE_SERVER_URL: server.url, PATCHWAVE_API_TOKEN: server.token, HOME: dir });
async function run(args: string[]): Promise<string> {
  const r = await cli(args, env());
  if (r.code !== 0) throw new Error(`patchwave ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

function writeFeeds(): string[] {
  const osvDir = join(dir, 'feeds', 'debian');
  mkdirSync(osvDir, { recursive: true });
  // The Debian security tracker's OSV schema: the source package, an ECOSYSTEM range, upstream CVEs.
  writeFileSync(
    join(osvDir, `DEBIAN-${cve}.json`),
    JSON.stringify({
      schema_version: '1.7.0',
      id: `DEBIAN-${cve}`,
      summary: `${source}: heap overflow (test record)`,
      details: 'Constructed by the patchwave end-to-end test in the schema Debian publishes.',
      published: '2026-01-05T00:00:00Z',
      modified: '2026-01-06T00:00:00Z',
      upstream: [cve],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N' }],
      affected: [{ package: { ecosystem: 'Debian:12', name: source, purl: `pkg:deb/debian/${source}?arch=source` }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1' }] }] }],
    }),
  );
  const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(
    join(dir, 'feeds', 'kev.json'),
    JSON.stringify({
      title: 'CISA Catalog of Known Exploited Vulnerabilities',
      catalogVersion: '2026.01.07',
      dateReleased: '2026-01-07T12:00:00.000Z',
      count: 1,
      vulnerabilities: [
        {
          cveID: cve, vendorProject: 'patchwave', product: source, vulnerabilityName: 'Test heap overflow', dateAdded: new Date().toISOString().slice(0, 10),
          shortDescription: 'Constructed KEV entry.', requiredAction: 'Apply updates per vendor instructions.', dueDate: due, knownRansomwareCampaignUse: 'Unknown', notes: '', cwes: ['CWE-122'],
        },
      ],
    }),
  );
  const epss = join(dir, 'epss_scores.csv');
  writeFileSync(epss, `#model_version:v2025.03.14,score_date:${new Date().toISOString().slice(0, 10)}T00:00:00+0000\ncve,epss,percentile\n${cve},0.63,0.98\n`);
  return [join(dir, 'feeds'), epss];
}

describe('vulnerabilities end to end: feeds → finding → deployment → evidence → report', () => {
  it('shows the finding with score parts and due date, closes it on the agent re-inventory, and reports the change', async () => {
    const config = join(dir, 'agent.json');
    writeFileSync(config, JSON.stringify({ serverUrl: server.url, stateDir: join(dir, 'agent-state'), managers: { apt: { options: repo.options } } }));
    agent = spawnNode(await bundleAgentForTests(), ['run', '--config', config, '--enroll-token', await api.enrollmentToken(1, ['vuln-e2e', 'internet-facing']), '--log-level', 'info']);
    const device = await waitFor(
      'the real agent with the test package and its 1.1 update',
      async () => {
        const [d] = await api.devices();
        if (!d) return undefined;
        const u = await api.ok<{ items: { name: string; candidateVersion: string }[] }>('GET', `/api/v1/devices/${d.id}/updates?name=${pkg}`);
        return u.items.some((x) => x.candidateVersion === '1.1') ? d : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, proc: agent },
    );
    // dpkg's source:Package arrives through the agent and the inventory path into storage.
    const stored = await api.ok<{ items: { name: string; version: string; source?: { name: string; version?: string } }[] }>('GET', `/api/v1/devices/${device.id}/packages?name=${pkg}`);
    expect(stored.items).toEqual([expect.objectContaining({ name: pkg, version: '1.0', source: { name: source, version: '1.0' } })]);

    const imported = await run(['feeds', 'import', ...writeFeeds()]);
    log('patchwave feeds import', imported);
    expect(imported).toMatch(/advisories\s+1 new/);
    expect(imported).toMatch(/findings\s+1 opened/);

    const list = JSON.parse(await run(['findings', 'list', '--device', device.id, '--status', 'open,overdue', '--json'])) as Page<FindingListItem>;
    expect(list.items.map((f) => [f.advisoryId, f.package.name, f.package.installedVersion, f.fixedVersion])).toEqual([[`DEBIAN-${cve}`, source, '1.0', '1.1']]);
    const finding = list.items[0] as FindingListItem;
    expect(finding.score.factors.map((f) => f.factor)).toEqual(['cvss', 'epss', 'kev', 'ransomware', 'criticality', 'exposure']);
    expect(finding).toMatchObject({ kev: { knownRansomware: false }, epss: { probability: 0.63 }, score: { priority: 'P1' } });
    expect(Date.parse(finding.dueAt)).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);
    log('patchwave findings list', await run(['findings', 'list', '--device', device.id]));
    log('patchwave findings show', await run(['findings', 'show', finding.id]));
    const before = JSON.parse(await run(['report', 'compliance', '--format', 'json'])) as { summary: { openFindings: { total: number }; timeToPatch: { fromFirstSeen: { count: number } }; coverage: { noMissingSecurity: { percent: number | null } } } };
    expect(before.summary).toMatchObject({ openFindings: { total: 1 }, timeToPatch: { fromFirstSeen: { count: 0 } }, coverage: { noMissingSecurity: { percent: 0 } } });

    // "Everything that fixes CVE-X" → package@version per device → a deployment through the agent.
    const selection = await api.ok<SelectionResolveResult>('POST', '/api/v1/selections/resolve', { selection: { kind: 'cve', cves: [cve] } });
    expect(selection.devices).toEqual([{ deviceId: device.id, packages: [{ manager: 'apt', name: pkg, arch: 'all', version: '1.1', fixes: [finding.id] }] }]);
    log('patchwave selections resolve', await run(['selections', 'resolve', '--cve', cve]));
    const id = await api.create({
      name: `fix ${cve}`,
      what: { kind: 'packages', packages: selection.devices[0]!.packages.map((p) => ({ name: p.name, version: p.version, manager: p.manager, arch: p.arch })) },
      targets: { deviceIds: selection.devices.map((d) => d.deviceId) },
      waves: [{ name: 'all', select: { kind: 'rest' }, gates: { minSuccessRate: 100 } }],
      rebootPolicy: { mode: 'never' },
    });
    await api.ok('POST', `/api/v1/deployments/${id}/start`, { reason: `fix ${cve}` });
    const done = await waitForDeployment(api, id, 'the upgrade to 1.1', (d) => d.state === 'completed' || d.state === 'halted', 180_000);
    expect(done.state, done.haltReason).toBe('completed');
    expect(await dpkgState(pkg)).toEqual({ status: 'ii ', version: '1.1' });

    const fixed = await waitFor(
      'the re-inventory to close the finding',
      async () => {
        const f = await api.ok<FindingDetail>('GET', `/api/v1/findings/${finding.id}`);
        return f.status === 'fixed' ? f : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, proc: agent },
    );
    const reports = await api.ok<{ items: { id: number; receivedAt: string }[] }>('GET', `/api/v1/devices/${device.id}/reports?limit=50`);
    const evidence = reports.items.find((r) => String(r.id) === fixed.evidence?.inventoryReportId);
    expect(fixed.evidence).toEqual({ kind: 'upgraded', inventoryReportId: String(evidence?.id), observedAt: evidence?.receivedAt, installedVersion: '1.1' });
    expect(fixed.events.map((e) => e.kind)).toEqual(['opened', 'fixed']);
    log('patchwave findings show (after the upgrade)', await run(['findings', 'show', finding.id]));

    const jsonFile = join(dir, 'compliance.json');
    const csvFile = join(dir, 'compliance.csv');
    const pdfFile = join(dir, 'compliance.pdf');
    log('patchwave report compliance (json)', await run(['report', 'compliance', '--format', 'json', '--out', jsonFile]));
    log('patchwave report compliance (csv)', await run(['report', 'compliance', '--format', 'csv', '--out', csvFile]));
    const wrotePdf = await run(['report', 'compliance', '--format', 'pdf', '--out', pdfFile]);
    log('patchwave report compliance (pdf)', wrotePdf);
    const pdfHead = /audit head ([0-9a-f]{64})/.exec(wrotePdf)?.[1] as string;
    const after = JSON.parse(readFileSync(jsonFile, 'utf8')) as { auditHeadHash: string; summary: Record<string, unknown>; deployments: { id: string }[] };
    expect(after.summary).toMatchObject({ openFindings: { total: 0 }, timeToPatch: { fromFirstSeen: { count: 1 } }, slaAttainment: { numerator: 1, denominator: 1 }, coverage: { noMissingSecurity: { percent: 100 } } });
    expect(after.deployments.map((d) => d.id)).toContain(id);
    const csv = readFileSync(csvFile, 'utf8');
    log('compliance.csv', csv);
    expect(csv).toContain('sla,attainment,100,1,1,percent');
    expect(csv).toContain('findings,open,0,,,count');
    const pdf = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    log('pdftotext compliance.pdf', pdf);
    expect(pdf).toMatch(/SLA attainment\s+100\.0 % \(1\/1\)/);
    expect(pdf).toContain('Open overdue findings (0)');
    // Each report names the audit head it was read at; making it is audited after that head.
    expect(pdf).toContain(pdfHead);
    const audit = await api.ok<{ items: { action: string; hash: string; details: { auditHeadHash?: string } }[] }>('GET', '/api/v1/audit?limit=1000');
    const made = audit.items.filter((e) => e.action === 'report.compliance').map((e) => e.details.auditHeadHash);
    expect(made).toEqual(expect.arrayContaining([after.auditHeadHash, pdfHead]));
    expect(audit.items.some((e) => e.hash === pdfHead)).toBe(true);

    const verify = await run(['audit', 'verify']);
    log('patchwave audit verify', verify);
    expect(verify).toContain('audit chain intact');
  });
});
