import { readFileSync } from 'node:fs';
import type { InstalledPackage, ManagerName } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import type { Advisory } from '../advisories/advisory.js';
import { unwrapFeed } from '../advisories/feed-issue.js';
import { parseOsvJson } from '../advisories/osv.js';
import { InMemoryAffectedIndex } from './affected-index.js';
import { deviceEcosystem } from './ecosystem.js';
import type { DeviceEcosystemOptions } from './ecosystem.js';
import { InMemoryInstalledIndex } from './installed-index.js';
import { toMatchables } from './matchable.js';
import { Matcher } from './matcher.js';

const fixture = (name: string): Advisory[] => unwrapFeed(parseOsvJson(name, readFileSync(new URL(`../advisories/fixtures/${name}`, import.meta.url), 'utf8')));
const USN = fixture('osv-ubuntu-USN-2319-3.json');
const DEBIAN = fixture('osv-debian-constructed.json'); // constructed: no real Debian OSV record exists in shared/fixtures
const ALPINE = fixture('osv-alpine-constructed.json'); // constructed
const REDHAT = fixture('osv-redhat-constructed.json'); // constructed

const pkg = (manager: ManagerName, name: string, version: string, source?: string, sourceVersion?: string): InstalledPackage => ({
  manager, name, version, arch: 'amd64', ...(source ? { source: { name: source, ...(sourceVersion ? { version: sourceVersion } : {}) } } : {}),
});

function setup(advisories: Advisory[]) {
  const affected = new InMemoryAffectedIndex();
  for (const a of advisories) affected.upsert(a);
  const installed = new InMemoryInstalledIndex();
  const matcher = new Matcher(affected, installed);
  const addDevice = (id: string, osId: string, release: string, packages: InstalledPackage[], opts?: DeviceEcosystemOptions) => {
    const eco = deviceEcosystem({ platform: 'linux', distro: osId, release, id: osId, kernel: '', arch: 'x86_64' }, opts);
    if (!eco.ok) throw new Error(eco.reason);
    return matcher.updateDevice(id, eco.ecosystem, toMatchables(eco.ecosystem, packages));
  };
  return { matcher, installed, affected, addDevice };
}

describe('matching the real Ubuntu record (USN-2319-3)', () => {
  const jre = (v: string) => pkg('apt', 'openjdk-7-jre-headless', v, 'openjdk-7', v);

  it('finds an old openjdk-7 on 14.04 by source package, with the fix version', () => {
    const { addDevice } = setup(USN);
    const m = addDevice('d1', 'ubuntu', '14.04', [jre('7u55-2.4.7-1ubuntu1'), pkg('apt', 'openjdk-7-jre', '7u55-2.4.7-1ubuntu1', 'openjdk-7', '7u55-2.4.7-1ubuntu1'), pkg('apt', 'bash', '4.3-7ubuntu1', 'bash', '4.3-7ubuntu1')]);
    expect(m.hits).toEqual([
      {
        deviceId: 'd1', advisoryId: 'USN-2319-3', ecosystem: 'Ubuntu:14.04', group: 'openjdk-7', installedVersion: '7u55-2.4.7-1ubuntu1',
        fixedVersion: '7u65-2.5.2-3~14.04', via: 'range',
        binaries: [
          { manager: 'apt', name: 'openjdk-7-jre-headless', arch: 'amd64', version: '7u55-2.4.7-1ubuntu1' },
          { manager: 'apt', name: 'openjdk-7-jre', arch: 'amd64', version: '7u55-2.4.7-1ubuntu1' },
        ],
      },
    ]);
  });

  it('no finding at the fixed version, nor on another Ubuntu release', () => {
    const { addDevice } = setup(USN);
    expect(addDevice('fixed', 'ubuntu', '14.04', [jre('7u65-2.5.2-3~14.04')]).hits).toEqual([]);
    expect(addDevice('xenial', 'ubuntu', '16.04', [jre('7u55-2.4.7-1ubuntu1')]).hits).toEqual([]);
  });
});

describe('Debian: source packages and backports (constructed DSA-9001-1)', () => {
  const lib = (name: string, v: string, src = v) => pkg('apt', name, v, 'libexample', src);

  it('a backport fixed in 1.2-3+deb12u1 is not a finding when that version is installed', () => {
    const { addDevice } = setup(DEBIAN);
    expect(addDevice('patched', 'debian', '12', [lib('libexample1', '1.2-3+deb12u1')]).hits).toEqual([]);
    expect(addDevice('later-point-release', 'debian', '12.7', [lib('libexample1', '1.2-3+deb12u2')]).hits).toEqual([]);
    expect(addDevice('bpo', 'debian', '12', [lib('libexample1', '1.4-1~bpo12+1')]).hits).toEqual([]);
    const vuln = addDevice('vulnerable', 'debian', '12', [lib('libexample1', '1.2-3')]).hits;
    expect(vuln.map((h) => [h.advisoryId, h.group, h.installedVersion, h.fixedVersion])).toEqual([['DSA-9001-1', 'libexample', '1.2-3', '1.2-3+deb12u1']]);
  });

  it('each release is judged by its own range', () => {
    const { addDevice } = setup(DEBIAN);
    // 1.4-1 is above bookworm's fix but below trixie's.
    expect(addDevice('trixie', 'debian', '13', [lib('libexample1', '1.4-1')]).hits.map((h) => h.fixedVersion)).toEqual(['1.5-1']);
    expect(addDevice('bookworm', 'debian', '12', [lib('libexample1', '1.4-1')]).hits).toEqual([]);
    expect(addDevice('bullseye', 'debian', '11', [lib('libexample1', '1.0-1')]).hits).toEqual([]);
  });

  it('compares the source version, so a binNMU (+b1) of a vulnerable source is found and of a fixed one is not', () => {
    const { addDevice } = setup(DEBIAN);
    expect(addDevice('binnmu-old', 'debian', '12', [lib('libexample1', '1.2-3+b1', '1.2-3')]).hits).toHaveLength(1);
    expect(addDevice('binnmu-new', 'debian', '12', [lib('libexample1', '1.2-3+deb12u1+b1', '1.2-3+deb12u1')]).hits).toEqual([]);
  });

  it('a partial upgrade keeps the finding open for the binaries still old', () => {
    const { addDevice } = setup(DEBIAN);
    const hits = addDevice('partial', 'debian', '12', [lib('libexample1', '1.2-3+deb12u1'), lib('libexample-dev', '1.2-3')]).hits;
    expect(hits.map((h) => h.binaries.map((b) => b.name))).toEqual([['libexample-dev']]);
  });
});

describe('Red Hat, Alpine', () => {
  it('Red Hat: looks up binary and source names, one finding per source group, epoch honoured', () => {
    const { addDevice } = setup(REDHAT);
    const hits = addDevice('rhel', 'rhel', '9.4', [pkg('dnf', 'openssl-libs', '1:3.0.7-25.el9', 'openssl'), pkg('dnf', 'openssl', '1:3.0.7-25.el9', 'openssl')]).hits;
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ advisoryId: 'RHSA-2099:0001', group: 'openssl', fixedVersion: '1:3.0.7-27.el9', ecosystem: 'Red Hat:enterprise_linux:9' });
    expect(hits[0]?.binaries.map((b) => b.name).sort()).toEqual(['openssl', 'openssl-libs']);
    expect(addDevice('rhel-ok', 'rhel', '9.4', [pkg('dnf', 'openssl-libs', '1:3.0.7-27.el9_4.1', 'openssl')]).hits).toEqual([]);
    expect(addDevice('rhel8', 'rhel', '8.10', [pkg('dnf', 'openssl-libs', '1:1.1.1k-12.el8', 'openssl')]).hits).toEqual([]);
  });

  it('Alpine: per release branch, apk revisions', () => {
    const { addDevice } = setup(ALPINE);
    expect(addDevice('a320', 'alpine', '3.20.3', [pkg('apk', 'busybox', '1.36.1-r28', 'busybox'), pkg('apk', 'ssl_client', '1.36.1-r28', 'busybox')]).hits).toMatchObject([{ group: 'busybox', fixedVersion: '1.36.1-r29' }]);
    expect(addDevice('a319', 'alpine', '3.19.1', [pkg('apk', 'busybox', '1.36.1-r20', 'busybox')]).hits).toEqual([]);
  });

  it('packages of other managers on the host are not matched against OS advisories', () => {
    const { addDevice } = setup(DEBIAN);
    expect(addDevice('d', 'debian', '12', [pkg('simulated', 'libexample', '1.0-1')]).hits).toEqual([]);
  });
});

describe('incremental matching', () => {
  const fleet = () => {
    const s = setup(DEBIAN);
    const base = [pkg('apt', 'libexample1', '1.2-3', 'libexample', '1.2-3'), pkg('apt', 'openssl', '3.0.11-1~deb12u2', 'openssl', '3.0.11-1~deb12u2'), pkg('apt', 'bash', '5.2.15-2+b2', 'bash', '5.2.15-2')];
    s.addDevice('a', 'debian', '12', base);
    s.addDevice('b', 'debian', '12', base.slice(1));
    s.addDevice('c', 'debian', '12', [base[2]!]);
    return { ...s, base };
  };

  it('a device delta re-matches only the groups that changed', () => {
    const { addDevice, base } = fleet();
    const upgraded = [{ ...base[0]!, version: '1.2-3+deb12u1', source: { name: 'libexample', version: '1.2-3+deb12u1' } }, ...base.slice(1)];
    const m = addDevice('a', 'debian', '12', upgraded);
    expect(m.scope).toEqual({ groups: ['libexample'] });
    expect(m.evaluated).toBe(1);
    expect(m.hits).toEqual([]);
    const again = addDevice('a', 'debian', '12', upgraded);
    expect(again).toMatchObject({ scope: { groups: [] }, evaluated: 0, hits: [] });
  });

  it('a new advisory evaluates only the devices that have the package', () => {
    const { matcher } = fleet();
    const advisory: Advisory = { ...DEBIAN[0]!, id: 'DSA-9002-1', affected: [{ ...DEBIAN[0]!.affected[0]!, name: 'bash', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '5.2.15-2+deb12u1' }] }], versions: [] }] };
    const r = matcher.applyAdvisory(advisory);
    expect(r.devicesEvaluated.sort()).toEqual(['a', 'b', 'c']);
    expect(r.hits.map((h) => h.deviceId).sort()).toEqual(['a', 'b', 'c']);
    const openssl = matcher.applyAdvisory({ ...advisory, id: 'DSA-9003-1', affected: [{ ...advisory.affected[0]!, name: 'openssl', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }] }] });
    expect(openssl.devicesEvaluated.sort()).toEqual(['a', 'b']);
    expect(openssl.change.keys).toEqual([{ ecosystemKey: 'Debian:12', name: 'openssl' }]);
    // The cached verdicts were dropped: a full match sees the new advisories too.
    expect(matcher.matchDevice('c').hits.map((h) => h.advisoryId)).toEqual(['DSA-9002-1']);
  });

  it('a revised advisory that no longer affects a version, and a withdrawn one, yield no hits', () => {
    const { matcher } = fleet();
    expect(matcher.matchDevice('a').hits.map((h) => h.advisoryId)).toEqual(['DSA-9001-1', 'DEBIAN-CVE-2024-90002']);
    const revised: Advisory = { ...DEBIAN[0]!, affected: [{ ...DEBIAN[0]!.affected[0]!, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2-2' }] }], versions: [] }] };
    const r = matcher.applyAdvisory(revised);
    expect(r.devicesEvaluated).toEqual(['a']);
    expect(r.hits).toEqual([]);
    const withdrawn = matcher.applyAdvisory({ ...DEBIAN[1]!, withdrawn: '2024-05-01T00:00:00Z' });
    expect(withdrawn.hits).toEqual([]);
    expect(withdrawn.devicesEvaluated.sort()).toEqual(['a', 'b']);
    expect(matcher.matchDevice('a').hits).toEqual([]);
  });

  it('Ubuntu Pro advisories apply only to devices with Pro attached', () => {
    const pro: Advisory = { ...USN[0]!, id: 'USN-PRO-1', affected: [{ ...USN[0]!.affected[0]!, ecosystem: 'Ubuntu:Pro:14.04:LTS' }] };
    const { addDevice } = setup([pro]);
    const jre = pkg('apt', 'openjdk-7-jre', '7u55-2.4.7-1ubuntu1', 'openjdk-7', '7u55-2.4.7-1ubuntu1');
    expect(addDevice('plain', 'ubuntu', '14.04', [jre]).hits).toEqual([]);
    expect(addDevice('pro', 'ubuntu', '14.04', [jre], { ubuntuPro: true }).hits.map((h) => h.ecosystem)).toEqual(['Ubuntu:Pro:14.04']);
  });

  it('removing a device takes it out of advisory matching', () => {
    const { matcher } = fleet();
    matcher.removeDevice('a');
    expect(matcher.applyAdvisory({ ...DEBIAN[0]!, modified: '2025-01-01T00:00:00Z' }).devicesEvaluated).toEqual([]);
  });
});
