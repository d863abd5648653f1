import type { AvailableUpdate, FindingListItem, Page, PatchCatalogEntry, SelectionResolveResult } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../domain/clock.js';
import { toUpdateSelections } from '../../domain/vulnerabilities/index.js';
import { enrollDevice } from '../../testing/enroll.js';
import { sampleFacts } from '../../testing/facts.js';
import type { TestApp } from '../../testing/test-app.js';
import { openTestApp } from '../../testing/test-app.js';
import { debianFacts, debPackage, fixtureFeed, importBody, jsonFeed, kevCatalog, reportInventory } from '../../testing/vulnerability-fixtures.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;

beforeEach(async () => {
  t = await openTestApp({ clock: new ManualClock('2025-06-10T08:00:00.000Z') });
  const feeds = [fixtureFeed('osv-debian-constructed.json'), fixtureFeed('osv-ubuntu-USN-2319-3.json'), jsonFeed('kev.json', kevCatalog([{ cve: 'CVE-2024-90001', dateAdded: '2025-06-01', dueDate: '2025-06-22' }]))];
  expect((await t.app.inject({ method: 'POST', url: '/api/v1/feeds/import', headers: t.auth(), payload: importBody(feeds) })).statusCode).toBe(200);
});
afterEach(async () => t.close());

const get = async <T>(url: string) => (await t.app.inject({ method: 'GET', url, headers: t.auth() })).json() as T;
const resolve = async (body: unknown) => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/selections/resolve', headers: t.auth(await t.tokenWithRole('auditor')), payload: body as object });
  return { status: res.statusCode, body: res.json() as SelectionResolveResult & { error: { message: string } } };
};
const update = (name: string, installed: string, candidate: string, security: boolean | 'unknown' = true): AvailableUpdate => ({
  manager: 'apt', name, arch: 'amd64', installedVersion: installed, candidateVersion: candidate, security, advisories: [], cves: [],
});

describe('false-positive traps', () => {
  it('a Debian backport (1.2-3+deb12u1, and its binNMU) is not a finding; a version below it is', async () => {
    const fixed = await enrollDevice(t.app, debianFacts('backported'));
    await reportInventory(t.app, fixed.deviceId, [debPackage('libexample1', '1.2-3+deb12u1', 'libexample'), debPackage('libexample-bin', '1.2-3+deb12u1+b1', 'libexample', '1.2-3+deb12u1')]);
    const old = await enrollDevice(t.app, debianFacts('old'));
    await reportInventory(t.app, old.deviceId, [debPackage('libexample1', '1.2-3', 'libexample')]);
    // Debian 13 ships 1.5-1 as the fix: a Debian 12 device is matched against Debian:12 ranges only.
    const items = (await get<Page<FindingListItem>>('/api/v1/findings')).items;
    expect(items.map((f) => [f.hostname, f.advisoryId, f.package.installedVersion])).toEqual([['old', 'DSA-9001-1', '1.2-3']]);
  });

  it('the real Ubuntu record matches by source package on a 14.04 device, and not once the fixed version runs', async () => {
    const facts = sampleFacts({ hostname: 'trusty', os: { platform: 'linux', distro: 'Ubuntu', release: '14.04', id: 'ubuntu', kernel: '3.13.0', arch: 'x64' } });
    const { deviceId } = await enrollDevice(t.app, facts);
    await reportInventory(t.app, deviceId, [debPackage('openjdk-7-jre-headless', '7u55-2.4.7-1ubuntu1', 'openjdk-7')], [], facts);
    expect((await get<Page<FindingListItem>>('/api/v1/findings')).items.map((f) => [f.advisoryId, f.package.name, f.fixedVersion, f.state])).toEqual([['USN-2319-3', 'openjdk-7', '7u65-2.5.2-3~14.04', 'open']]);
    await reportInventory(t.app, deviceId, [debPackage('openjdk-7-jre-headless', '7u65-2.5.2-3~14.04', 'openjdk-7')], [], facts);
    expect((await get<Page<FindingListItem>>('/api/v1/findings')).items.map((f) => f.state)).toEqual(['fixed']);
  });

  it('an apt security update without an advisory id is a package-manager finding, closed when the package changes', async () => {
    const { deviceId } = await enrollDevice(t.app, debianFacts('pm'));
    await reportInventory(t.app, deviceId, [debPackage('sudo', '1.9.13p3-1+deb12u1')], [{ ...update('sudo', '1.9.13p3-1+deb12u1', '1.9.13p3-1+deb12u2'), severity: 'important', origin: 'Debian-Security' }]);
    const f = (await get<Page<FindingListItem>>('/api/v1/findings?source=package-manager')).items[0];
    expect(f).toMatchObject({ advisoryId: 'apt:sudo', severity: 'high', fixedVersion: '1.9.13p3-1+deb12u2', state: 'open' });
    // Still offered, same version installed: no evidence, stays open. Upgraded: fixed.
    await reportInventory(t.app, deviceId, [debPackage('sudo', '1.9.13p3-1+deb12u1')], []);
    expect((await get<Page<FindingListItem>>('/api/v1/findings?source=package-manager')).items[0]?.state).toBe('open');
    await reportInventory(t.app, deviceId, [debPackage('sudo', '1.9.13p3-1+deb12u2')], []);
    expect((await get<Page<FindingListItem>>('/api/v1/findings?source=package-manager')).items[0]).toMatchObject({ state: 'fixed', evidence: { installedVersion: '1.9.13p3-1+deb12u2' } });
  });
});

describe('selections and the patch catalog', () => {
  async function fleet() {
    const a = await enrollDevice(t.app, debianFacts('a'), ['group=prod']);
    const b = await enrollDevice(t.app, debianFacts('b'), ['group=dev']);
    await reportInventory(
      t.app,
      a.deviceId,
      [debPackage('libexample1', '1.2-2', 'libexample'), debPackage('libssl3', '3.0.11-1~deb12u2', 'openssl'), debPackage('openssl', '3.0.11-1~deb12u2', 'openssl')],
      [update('libexample1', '1.2-2', '1.2-3+deb12u1'), update('libssl3', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1'), update('openssl', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1'), update('tzdata', '2024a', '2025b', false)],
    );
    // b's mirror only has an update below the fixed version.
    await reportInventory(t.app, b.deviceId, [debPackage('libssl3', '3.0.11-1~deb12u2', 'openssl')], [update('libssl3', '3.0.11-1~deb12u2', '3.0.12-1~deb12u1')]);
    return { a: a.deviceId, b: b.deviceId };
  }

  it('resolves "fixes KEV findings", "fixes CVE-X" and "fixes P1" to package@version per device, naming what cannot be fixed', async () => {
    const { a, b } = await fleet();
    const kev = await resolve({ selection: { kind: 'kev' } });
    expect(kev.status, JSON.stringify(kev.body)).toBe(200);
    expect(kev.body.devices).toEqual([{ deviceId: a, packages: [{ manager: 'apt', name: 'libexample1', arch: 'amd64', version: '1.2-3+deb12u1', fixes: [expect.stringMatching(/^f_/)] }] }]);
    expect(kev.body.findingsSelected).toBe(1);

    const cve = await resolve({ selection: { kind: 'cve', cves: ['CVE-2024-90002'] } });
    expect(cve.body.devices.map((d) => [d.deviceId, d.packages.map((p) => `${p.name}@${p.version}`)])).toEqual([[a, ['libssl3@3.0.13-1~deb12u1', 'openssl@3.0.13-1~deb12u1']]]);
    expect(cve.body.unresolved).toEqual([{ findingId: expect.stringMatching(/^f_/), deviceId: b, reason: 'update_below_fixed_version' }]);

    const prod = await resolve({ selection: { kind: 'priority', priorities: ['P1', 'P2'] }, tags: ['group=prod'] });
    expect(prod.body.devices.map((d) => d.deviceId)).toEqual([a]);
    expect(prod.body.byPriority.P1 + prod.body.byPriority.P2).toBe(prod.body.findingsSelected);
    const perDevice = toUpdateSelections(prod.body);
    expect(perDevice.get(a)?.packages.map((p) => p.name)).toEqual(expect.arrayContaining(['libexample1', 'libssl3', 'openssl']));

    const bad = await resolve({ selection: { kind: 'cve', cves: ['heartbleed'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.selection.cves.0');
  });

  it('lists the distinct updates across the fleet, the devices needing each and the findings each fixes, most urgent first', async () => {
    const { a, b } = await fleet();
    const page = await get<Page<PatchCatalogEntry>>('/api/v1/catalog?limit=10');
    expect(page.items.map((e) => `${e.name}@${e.version}:${e.deviceCount}/${e.findingCount}:${e.topPriority}`)).toEqual([
      'libexample1@1.2-3+deb12u1:1/1:P2',
      'libssl3@3.0.13-1~deb12u1:1/1:P2',
      'openssl@3.0.13-1~deb12u1:1/1:P2',
      // b: an apt security update below the OSV fix is a package-manager finding of its own.
      'libssl3@3.0.12-1~deb12u1:1/1:P3',
      'tzdata@2025b:1/0:null',
    ]);
    expect(page.items[0]).toMatchObject({ kev: true, cves: ['CVE-2024-90001'], deviceIds: [a] });
    expect(page.items[3]?.deviceIds).toEqual([b]);
    const fixing = await get<Page<PatchCatalogEntry>>('/api/v1/catalog?fixesFindings=true&kev=true');
    expect(fixing.items.map((e) => e.name)).toEqual(['libexample1']);
  });
});
