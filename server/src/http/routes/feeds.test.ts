import type { AdvisoryDetail, FeedImportResult, FeedStatus, FindingListItem, Page } from '@patchwave/shared';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../domain/clock.js';
import type { FeedFile } from '../../domain/advisories/osv-files.js';
import { enrollDevice } from '../../testing/enroll.js';
import { sampleFacts } from '../../testing/facts.js';
import type { TestApp } from '../../testing/test-app.js';
import { openTestApp } from '../../testing/test-app.js';
import { debianFacts, debPackage, epssCsv, fixtureFeed, importBody, jsonFeed, kevCatalog, osvRecord, reportInventory } from '../../testing/vulnerability-fixtures.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock('2025-08-01T00:00:00.000Z');
  t = await openTestApp({ clock });
});
afterEach(async () => t.close());

const TABLES = ['feed_imports', 'advisories', 'advisory_cves', 'affected_entries', 'kev_entries', 'epss_scores', 'threat_feeds', 'kb_supersedence', 'findings', 'finding_events', 'audit_log'] as const;

async function rowCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const r = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.temp.store.db);
    out[table] = Number(r.rows[0]?.n);
  }
  return out;
}

async function importFiles(files: FeedFile[]) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/feeds/import', headers: t.auth(), payload: importBody(files) });
  return { status: res.statusCode, body: res.json() as FeedImportResult & { error: { code: string; message: string; details: { issues: { file: string; line?: number; record?: number; recordId?: string; field?: string; message: string }[] } } } };
}

const get = async <T>(url: string) => (await t.app.inject({ method: 'GET', url, headers: t.auth() })).json() as T;

describe('feeds import over REST', () => {
  it('imports the real Ubuntu record and KEV excerpt with provenance; a re-import changes nothing', async () => {
    const files = [fixtureFeed('osv-ubuntu-USN-2319-3.json'), fixtureFeed('cisa-kev-catalog.excerpt.json')];
    const first = await importFiles(files);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      origin: 'upload',
      counts: { advisories: { new: 1, updated: 0, unchanged: 0 }, kev: { new: 11, removed: 0 }, epss: null },
      sources: [{ name: 'osv-ubuntu-USN-2319-3.json', kind: 'osv', records: 1 }, { name: 'cisa-kev-catalog.excerpt.json', kind: 'kev', records: 11 }],
    });
    expect(first.body.sources[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.body.warnings.map((w) => w.message).join('\n')).toContain('catalog says 1404 entries but holds 11');

    const advisory = await get<AdvisoryDetail>('/api/v1/advisories/USN-2319-3');
    expect(advisory).toMatchObject({ id: 'USN-2319-3', provenance: { importId: first.body.id, feedFile: 'osv-ubuntu-USN-2319-3.json' }, findings: { total: 0 } });
    expect(advisory.affected[0]).toMatchObject({ ecosystem: 'Ubuntu:14.04:LTS', name: 'openjdk-7', fixedVersions: ['7u65-2.5.2-3~14.04'] });
    const status = await get<FeedStatus>('/api/v1/feeds');
    expect(status).toMatchObject({ advisories: 1, kev: { entries: 11, feedFile: 'cisa-kev-catalog.excerpt.json' }, epss: null, refresh: { enabled: false } });

    const before = await rowCounts();
    const again = await importFiles(files);
    expect(again.body.counts).toMatchObject({ advisories: { new: 0, updated: 0, unchanged: 1 }, kev: { new: 0, unchanged: 11 } });
    const after = await rowCounts();
    // Only the import's own record and its audit entry are new.
    expect(after).toEqual({ ...before, feed_imports: before.feed_imports! + 1, audit_log: before.audit_log! + 1 });
    expect((await get<Page<FeedImportResult>>('/api/v1/feeds/imports')).total).toBe(2);
  });

  it.each([
    ['truncated JSON', { name: 'cut.json', bytes: Buffer.from(JSON.stringify(osvRecord({ id: 'DSA-1', ecosystem: 'Debian:12', name: 'x', fixed: '2' })).slice(0, 80)) }, /cut\.json line 1.*invalid JSON/],
    ['wrong schema', jsonFeed('wrong.json', { id: 'DSA-2', modified: 'yesterday', affected: 'everything' }), /wrong\.json DSA-2 modified: Invalid ISO datetime/],
    ['CVSS garbage', jsonFeed('cvss.json', osvRecord({ id: 'DSA-3', ecosystem: 'Debian:12', name: 'x', fixed: '2', cvss: 'CVSS:3.1/AV:N/AC:Q/garbage' })), /cvss\.json.*DSA-3.*severity\[0\]/],
    ['EPSS without its model line', { name: 'epss.csv', bytes: Buffer.from('cve,epss,percentile\nCVE-2024-1,0.5,0.5\n') }, /epss\.csv line 1: expected "#model_version/],
    ['KEV with a bad date', jsonFeed('kev.json', kevCatalog([{ cve: 'CVE-2024-1234', dateAdded: '2024-13-45', dueDate: '2024-01-01' }])), /kev\.json record 0 CVE-2024-1234 vulnerabilities\[0\]\.dateAdded: a date in the form YYYY-MM-DD/],
    ['supersedence with a bad KB', jsonFeed('kb.json', { format: 'patchwave-kb-supersedence/1', edges: [{ kb: 'KB12', supersededBy: ['KB5035845'] }] }), /kb\.json edges\[0\]\.kb: a KB id like KB5034441/],
  ])('%s: 400 naming the file and field, and nothing imported, not even the good file next to it', async (_label, bad, message) => {
    const { deviceId } = await enrollDevice(t.app, debianFacts('victim'));
    await reportInventory(t.app, deviceId, [debPackage('libexample1', '1.2-2', 'libexample')]);
    const before = await rowCounts();
    const res = await importFiles([fixtureFeed('osv-debian-constructed.json'), bad as FeedFile]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('E_FEED_INVALID');
    expect(res.body.error.message).toMatch(/^feed rejected, nothing imported: /);
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.details.issues.length).toBeGreaterThan(0);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses an EPSS file older than the stored one, and a body that is not base64', async () => {
    expect((await importFiles([epssCsv('2025-07-30', [['CVE-2024-90001', 0.5, 0.9]])])).status).toBe(200);
    const before = await rowCounts();
    const old = await importFiles([epssCsv('2025-07-01', [['CVE-2024-90001', 0.1, 0.2]])]);
    expect(old.status).toBe(400);
    expect(old.body.error.message).toContain('EPSS scores of 2025-07-01 are older than the stored 2025-07-30');
    expect(await rowCounts()).toEqual(before);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/feeds/import', headers: t.auth(), payload: { files: [{ name: 'x.json', data: '%%%' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('body.files.0.data: x.json is not base64');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/feeds/import', headers: t.auth(await t.tokenWithRole('auditor')), payload: importBody([epssCsv('2025-08-01', [])]) })).statusCode).toBe(403);
  });

  it('a new advisory re-matches only devices with that package; a revision or withdrawal makes findings not affected', async () => {
    const devices = [];
    for (let i = 0; i < 3; i++) devices.push((await enrollDevice(t.app, debianFacts(`host-${i}`))).deviceId);
    // Two devices run curl (source curl), one does not.
    await reportInventory(t.app, devices[0]!, [debPackage('curl', '7.88.1-10+deb12u5', 'curl'), debPackage('libcurl4', '7.88.1-10+deb12u5', 'curl')]);
    await reportInventory(t.app, devices[1]!, [debPackage('libcurl4', '7.88.1-10+deb12u12', 'curl')]);
    await reportInventory(t.app, devices[2]!, [debPackage('bash', '5.2.15-2+b7', 'bash', '5.2.15-2')]);

    const record = (over: Partial<Parameters<typeof osvRecord>[0]>) => jsonFeed('curl.json', osvRecord({ id: 'DEBIAN-CVE-2025-0001', ecosystem: 'Debian:12', name: 'curl', fixed: '7.88.1-10+deb12u8', cves: ['CVE-2025-0001'], ...over }));
    const first = await importFiles([record({})]);
    expect(first.body.findings).toEqual({ opened: 1, reopened: 0, notAffected: 0, rescored: 0, devicesEvaluated: 2 });
    const list = await get<Page<FindingListItem>>('/api/v1/findings');
    expect(list.items.map((f) => [f.hostname, f.package.name, f.package.installedVersion])).toEqual([['host-0', 'curl', '7.88.1-10+deb12u5']]);

    // Revised: the fix is older than what host-0 runs after all → not affected (no device evidence needed: the advisory changed).
    const revised = await importFiles([record({ fixed: '7.88.1-10+deb12u4', modified: '2025-06-01T00:00:00Z' })]);
    expect(revised.body.counts.advisories).toMatchObject({ updated: 1 });
    expect(revised.body.findings).toMatchObject({ opened: 0, notAffected: 1, devicesEvaluated: 2 });
    expect((await get<Page<FindingListItem>>('/api/v1/findings')).items[0]).toMatchObject({ status: 'not_affected', notAffected: { reason: 'advisory_revised' } });

    // Revised back: it affects host-0 again (reopened); then withdrawn.
    const back = await importFiles([record({ modified: '2025-06-02T00:00:00Z' })]);
    expect(back.body.findings).toMatchObject({ reopened: 1 });
    const withdrawn = await importFiles([record({ modified: '2025-06-03T00:00:00Z', withdrawn: '2025-06-03T00:00:00Z' })]);
    expect(withdrawn.body.findings).toMatchObject({ notAffected: 1 });
    expect((await get<Page<FindingListItem>>('/api/v1/findings')).items[0]).toMatchObject({ notAffected: { reason: 'advisory_withdrawn' } });

    // An older copy of the record is kept as stored.
    const older = await importFiles([record({ modified: '2025-01-01T00:00:00Z' })]);
    expect(older.body.counts.advisories).toMatchObject({ older: 1, updated: 0 });
  });

  it('a KEV or EPSS import rescores open findings and moves their due date', async () => {
    const { deviceId } = await enrollDevice(t.app, debianFacts('k'));
    await importFiles([jsonFeed('ssl.json', osvRecord({ id: 'DEBIAN-CVE-2025-7777', ecosystem: 'Debian:12', name: 'openssl', fixed: '3.0.17-1~deb12u1', cves: ['CVE-2025-7777'], cvss: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N' }))]);
    await reportInventory(t.app, deviceId, [debPackage('libssl3', '3.0.16-1~deb12u1', 'openssl')]);
    const before = (await get<Page<FindingListItem>>('/api/v1/findings')).items[0] as FindingListItem;
    expect(before).toMatchObject({ severity: 'medium', score: { priority: 'P3' }, dueAt: '2025-10-30T00:00:00.000Z', kev: null });

    clock.advance(86_400_000);
    const kev = await importFiles([jsonFeed('kev.json', kevCatalog([{ cve: 'CVE-2025-7777', dateAdded: '2025-08-02', dueDate: '2025-08-20' }])), epssCsv('2025-08-02', [['CVE-2025-7777', 0.42, 0.97]])]);
    expect(kev.body.findings.rescored).toBe(1);
    const after = (await get<Page<FindingListItem>>('/api/v1/findings')).items[0] as FindingListItem;
    expect(after).toMatchObject({ kev: { dueDate: '2025-08-20' }, epss: { probability: 0.42 }, score: { priority: 'P2' }, dueAt: '2025-08-09T00:00:00.000Z' });
    const detail = await get<{ events: { kind: string; detail: Record<string, unknown> }[] }>(`/api/v1/findings/${after.id}`);
    expect(detail.events.map((e) => e.kind)).toEqual(['opened', 'rescored']);
    expect(detail.events[1]?.detail).toMatchObject({ priority: ['P3', 'P2'], dueAt: ['2025-10-30T00:00:00.000Z', '2025-08-09T00:00:00.000Z'] });

    // Removed from KEV (a new catalog without it): priority falls back, the due date returns to the severity's.
    await importFiles([jsonFeed('kev.json', kevCatalog([], '2025-08-03T00:00:00.000Z'))]);
    expect((await get<Page<FindingListItem>>('/api/v1/findings')).items[0]).toMatchObject({ kev: null, dueAt: '2025-10-30T00:00:00.000Z' });
  });

  it('imports KB supersedence edges; a superseded KB offered by Windows Update is not a finding', async () => {
    const res = await importFiles([jsonFeed('wsus.json', { format: 'patchwave-kb-supersedence/1', source: 'WSUS export', edges: [{ kb: 'KB5034441', supersededBy: ['kb5035845'] }, { kb: '5035845', supersededBy: ['KB5036893'] }] })]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.counts.supersedence).toEqual({ edges: 2, added: 2 });
    const facts = sampleFacts({ hostname: 'win-01', os: { platform: 'win32', distro: 'Microsoft Windows 11 Pro', release: '10.0.22631', kernel: '10.0.22631', arch: 'x64' } });
    const { deviceId } = await enrollDevice(t.app, facts);
    const kb = (name: string) => ({ manager: 'windows-update' as const, name, arch: 'x64', installedVersion: null, candidateVersion: name, security: true as const, severity: 'critical' as const, advisories: [name], cves: ['CVE-2024-21351'], title: `${name} cumulative update` });
    // KB5036893 (which supersedes KB5035845, which supersedes KB5034441) is installed; Windows Update still offers the old one.
    await reportInventory(t.app, deviceId, [{ manager: 'windows-update', name: 'KB5036893', version: 'KB5036893', arch: 'x64' }], [kb('KB5034441'), kb('KB5037771')], facts);
    const findings = (await get<Page<FindingListItem>>('/api/v1/findings')).items;
    expect(findings.map((f) => [f.source, f.advisoryId, f.severity])).toEqual([['kb', 'KB5037771', 'critical']]);
  });
});
