import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../domain/clock.js';
import { enrollDevice } from '../testing/enroll.js';
import type { TestApp } from '../testing/test-app.js';
import { openTestApp } from '../testing/test-app.js';
import { debianFacts, debPackage, epssCsv, kevCatalog, osvRecord, reportInventory } from '../testing/vulnerability-fixtures.js';
import { runCli } from './main.js';
import type { Io } from './output.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
let server: string;
let dir: string;

beforeEach(async () => {
  t = await openTestApp({ clock: new ManualClock('2025-06-10T00:00:00.000Z') });
  server = await t.app.listen({ host: '127.0.0.1', port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'patchwave-vuln-cli-'));
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], token = t.adminToken) {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), env: { PATCHWAVE_CLI_CONFIG: join(dir, 'cli.json'), PATCHWAVE_SERVER_URL: server, PATCHWAVE_API_TOKEN: token } };
  const code = await runCli(args, io);
  return { code, out, err };
}

function writeFeeds(): string {
  const feeds = join(dir, 'feeds');
  mkdirSync(join(feeds, 'debian'), { recursive: true });
  writeFileSync(join(feeds, 'debian', 'DEBIAN-CVE-2025-4242.json'), JSON.stringify(osvRecord({ id: 'DEBIAN-CVE-2025-4242', ecosystem: 'Debian:12', name: 'expat', fixed: '2.5.0-1+deb12u2', cves: ['CVE-2025-4242'], cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' })));
  writeFileSync(join(feeds, 'kev.json'), JSON.stringify(kevCatalog([{ cve: 'CVE-2025-4242', dateAdded: '2025-06-01', dueDate: '2025-06-15' }])));
  writeFileSync(join(feeds, '.hidden'), 'ignored');
  writeFileSync(join(dir, 'epss.csv'), epssCsv('2025-06-01', [['CVE-2025-4242', 0.77, 0.99]]).bytes);
  return feeds;
}

describe('patchwave feeds / findings / report', () => {
  it('imports a directory and a file, lists and shows findings with factors and weights, and writes reports', async () => {
    const { deviceId } = await enrollDevice(t.app, debianFacts('cli-host'), ['group=prod']);
    await reportInventory(t.app, deviceId, [debPackage('libexpat1', '2.5.0-1+deb12u1', 'expat')], [
      { manager: 'apt', name: 'libexpat1', arch: 'amd64', installedVersion: '2.5.0-1+deb12u1', candidateVersion: '2.5.0-1+deb12u2', security: true, advisories: [], cves: [] },
    ]);
    const imported = await cli(['feeds', 'import', writeFeeds(), join(dir, 'epss.csv')]);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toMatch(/advisories\s+1 new, 0 updated, 0 unchanged/);
    expect(imported.out).toMatch(/kev\s+1 new/);
    expect(imported.out).toMatch(/findings\s+1 opened, 0 reopened, 0 not affected, 0 rescored \(1 devices re-matched\)/);
    expect(imported.out).toContain('debian/DEBIAN-CVE-2025-4242.json (osv, 1)');
    expect(imported.out).not.toContain('.hidden');
    const again = await cli(['feeds', 'import', writeFeeds(), join(dir, 'epss.csv'), '--json']);
    expect(JSON.parse(again.out).counts).toMatchObject({ advisories: { unchanged: 1 }, kev: { unchanged: 1 }, epss: { unchanged: 1 } });

    const status = await cli(['feeds', 'status']);
    expect(status.out).toMatch(/advisories\s+1/);
    expect(status.out).toMatch(/scheduled refresh\s+off/);

    const list = await cli(['findings', 'list', '--priority', 'P1', '--kev']);
    expect(list.code, list.err).toBe(0);
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+PRI\s+SCORE\s+STATE\s+DUE\s+HOST\s+PACKAGE/);
    expect(list.out).toMatch(/f_[0-9a-f]{32}\s+P1\s+[\d.]+\s+open\s+.*cli-host\s+expat\s+2\.5\.0-1\+deb12u1\s+2\.5\.0-1\+deb12u2\s+DEBIAN-CVE-2025-4242\s+yes\s+CVE-2025-4242/);
    const id = /f_[0-9a-f]{32}/.exec(list.out)?.[0] as string;

    const show = await cli(['findings', 'show', id]);
    expect(show.code, show.err).toBe(0);
    for (const [factor, weight] of [['cvss', '0.35'], ['epss', '0.2'], ['kev', '0.2'], ['ransomware', '0.05'], ['criticality', '0.12'], ['exposure', '0.08']] as const) {
      expect(show.out).toMatch(new RegExp(`^${factor}\\s+\\S+\\s+[\\d.]+\\s+${weight.replace('.', '\\.')}\\s+[\\d.]+\\s+`, 'm'));
    }
    expect(show.out).toMatch(/due\s+2025-06-15T23:59:59\.999Z \(KEV catalog due date 2025-06-15\)/);
    expect(show.out).toMatch(/first seen\s+2025-06-10T00:00:00\.000Z \(when feed import [0-9a-f-]{36} matched it\)/);
    expect(show.out).toMatch(/^.*opened\s+-\s+open\s+inventory\/feed/m);

    // The apt security update (no advisory id) is the fix of the OSV finding: one finding, not two.
    const all = JSON.parse((await cli(['findings', 'list', '--json'])).out) as { items: { advisoryId: string; state: string; notAffected: { note: string } | null }[] };
    expect(all.items.map((f) => `${f.advisoryId}:${f.state}`).sort()).toEqual(['DEBIAN-CVE-2025-4242:open', 'apt:expat:not_affected']);
    expect(all.items.find((f) => f.advisoryId === 'apt:expat')?.notAffected?.note).toBe(`the apt security update is the fix of DEBIAN-CVE-2025-4242 (finding ${id})`);
    const catalog = await cli(['catalog', '--fixes-findings']);
    expect(catalog.out).toMatch(/libexpat1@2\.5\.0-1\+deb12u2\s+apt\s+true\s+P1\s+yes\s+1\s+1\s+CVE-2025-4242/);
    const resolved = await cli(['selections', 'resolve', '--cve', 'CVE-2025-4242']);
    expect(resolved.out).toMatch(/^1 findings selected; 1 devices get updates; 0 findings no update fixes/);
    expect(resolved.out).toMatch(/apt:libexpat1:amd64\s+2\.5\.0-1\+deb12u2\s+1/);

    const operator = await t.tokenWithRole('operator');
    const refused = await cli(['findings', 'accept-risk', id, '--reason', 'x', '--days', '5'], operator);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('E_FORBIDDEN: this route needs the approver role');
    const accepted = await cli(['findings', 'accept-risk', id, '--reason', 'vendor patch pending', '--days', '5'], await t.tokenWithRole('approver'));
    expect(accepted.code, accepted.err).toBe(0);
    expect(accepted.out).toMatch(/exception\s+vendor patch pending — approved by approver token/);

    const summary = await cli(['compliance', 'summary', '--group', 'prod']);
    expect(summary.out).toMatch(/devices\s+1 in scope \(0 stale\) of 1/);

    const json = await cli(['report', 'compliance', '--format', 'json']);
    expect(JSON.parse(json.out)).toMatchObject({ format: 'patchwave-compliance-report/1', summary: { devices: { inScope: 1 } } });
    const csv = await cli(['report', 'compliance', '--format', 'csv', '--table', 'breakdown', '--out', join(dir, 'b.csv')]);
    expect(csv.err).toMatch(/^wrote .*b\.csv \(csv, \d+ bytes, audit head [0-9a-f]{64}\)/);
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toContain('group,prod,1,0');
    const pdf = await cli(['report', 'compliance', '--format', 'pdf', '--out', join(dir, 'r.pdf')]);
    expect(pdf.code, pdf.err).toBe(0);
    expect(execFileSync('pdftotext', [join(dir, 'r.pdf'), '-'], { encoding: 'utf8' })).toContain('patchwave compliance report');

    // Accepted risks are not chased: nothing left to fix.
    expect((await cli(['catalog', '--fixes-findings'])).out).toBe('no available updates\n');
  });

  it('a bad feed: exit 1, the issue named, nothing imported', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"id": "DSA-1", "modified": "2025-01-01T00:00:00Z", "affected": [');
    const r = await cli(['feeds', 'import', bad, join(dir, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read');
    const r2 = await cli(['feeds', 'import', bad]);
    expect(r2.code).toBe(1);
    expect(r2.err).toContain('nothing was imported');
    expect(r2.err).toMatch(/E_FEED_INVALID: feed rejected, nothing imported: .*bad\.json line 1.*invalid JSON/);
    expect(JSON.parse((await cli(['feeds', 'status', '--json'])).out)).toMatchObject({ advisories: 0 });
  });

  it.each([
    [['feeds', 'import'], 'feeds import: give at least one file, directory or URL'],
    [['findings', 'list', '--priority', 'P7'], '--priority: expected priorities like P1 or P1,P2, got "P7"'],
    [['findings', 'list', '--status', 'closed'], '--status: expected open, overdue, fixed, accepted_risk, not_affected (comma-separated), got "closed"'],
    [['findings', 'accept-risk', 'f_1', '--days', '3'], 'findings accept-risk: --reason is required'],
    [['findings', 'accept-risk', 'f_1', '--reason', 'r'], 'give exactly one of --days N or --expires ISO-TIME'],
    [['findings', 'show'], 'findings show: missing finding id'],
    [['report', 'compliance', '--format', 'pdf'], 'report compliance: a PDF needs --out FILE'],
    [['report', 'compliance', '--format', 'xml'], '--format: expected json, csv or pdf, got "xml"'],
    [['report', 'compliance', '--from', 'last week'], '--from: expected a date (YYYY-MM-DD) or an ISO-8601 time, got "last week"'],
    [['selections', 'resolve'], 'give exactly one of --kev, --cve, --priority or --advisory'],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
});
