import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Advisory, AffectedPackage } from '../../domain/advisories/advisory.js';
import type { AffectedIndex } from '../../domain/matching/affected-index.js';
import { compileAdvisory, InMemoryAffectedIndex } from '../../domain/matching/affected-index.js';
import { evaluateAffected } from '../../domain/matching/affected-range.js';
import { deviceEcosystem } from '../../domain/matching/ecosystem.js';
import type { DeviceEcosystem } from '../../domain/matching/ecosystem.js';
import type { InstalledIndex } from '../../domain/matching/installed-index.js';
import { InMemoryInstalledIndex } from '../../domain/matching/installed-index.js';
import { toMatchables } from '../../domain/matching/matchable.js';
import { Matcher } from '../../domain/matching/matcher.js';

/** How a matching-index contract gets fresh, empty indexes of the implementation under test. */
export type OpenIndexes = () => Promise<{ affected: AffectedIndex; installed: InstalledIndex; cleanup(): Promise<void> }>;

function useIndexes(open: OpenIndexes) {
  let current: Awaited<ReturnType<OpenIndexes>> | null = null;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = null;
  });
  return {
    get affected() {
      return (current as NonNullable<typeof current>).affected;
    },
    get installed() {
      return (current as NonNullable<typeof current>).installed;
    },
  };
}

const pkg = (ecosystem: string, name: string, events: AffectedPackage['ranges'][number]['events'], versions: string[] = []): AffectedPackage => ({
  ecosystem, name, ranges: [{ type: 'ECOSYSTEM', events }], versions, binaries: [], cvss: [],
});

export function advisory(id: string, affected: AffectedPackage[], over: Partial<Advisory> = {}): Advisory {
  return {
    id, source: 'osv', modified: '2025-01-01T00:00:00Z', published: null, withdrawn: null, summary: id, details: '', aliases: [], related: [], cves: [],
    cvss: [], severityLabel: null, references: [], affected, ...over,
  };
}

function eco(id: string, release: string): DeviceEcosystem {
  const r = deviceEcosystem({ platform: 'linux', distro: id, release, id, kernel: '', arch: 'x64' });
  if (!r.ok) throw new Error(r.reason);
  return r.ecosystem;
}

const keys = (change: { keys: { ecosystemKey: string; name: string }[] }) => change.keys.map((k) => `${k.ecosystemKey}/${k.name}`).sort();

export function affectedIndexContract(implementation: string, open: OpenIndexes): void {
  describe(`AffectedIndex contract (${implementation})`, () => {
    const ix = useIndexes(open);

    it('stores compiled entries by (ecosystem key, name) and evaluates them as compiled', () => {
      const a = advisory('DSA-1', [
        pkg('Debian:12', 'openssl', [{ fixed: '3.0.13-1~deb12u1' }, { introduced: '3.0.0-1' }]),
        pkg('Debian:13', 'openssl', [{ introduced: '0' }, { fixed: '3.1.5-1' }]),
        pkg('npm', 'left-pad', [{ introduced: '0' }]),
      ]);
      const change = ix.affected.upsert(a);
      expect(keys(change)).toEqual(['Debian:12/openssl', 'Debian:13/openssl']);
      expect(change.unindexed).toBe(1);
      const [entry] = ix.affected.lookup('Debian:12', 'openssl');
      const [compiled] = compileAdvisory(a).entries;
      expect(entry).toMatchObject({ advisoryId: 'DSA-1', affectedIndex: 0, ecosystemKey: 'Debian:12', name: 'openssl', scheme: 'dpkg' });
      for (const v of ['2.9-1', '3.0.0-1', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1', '3.0.13-1~deb12u1+b1']) {
        expect(evaluateAffected(entry!, v), v).toEqual(evaluateAffected(compiled!, v));
      }
      expect(ix.affected.lookup('Debian:11', 'openssl')).toEqual([]);
    });

    it('keeps the versions list and a release-less ecosystem as the family wildcard', () => {
      ix.affected.upsert(advisory('ALSA-1', [pkg('AlmaLinux', 'bash', [{ introduced: '0' }, { fixed: '5.1.8-9.el9' }], ['5.1.8-6.el9'])]));
      const [entry] = ix.affected.lookup('AlmaLinux:*', 'bash');
      expect(entry?.versions.has('5.1.8-6.el9')).toBe(true);
      expect(evaluateAffected(entry!, '5.1.8-6.el9')).toEqual({ via: 'range', fixedVersion: '5.1.8-9.el9' });
    });

    it('replaces an advisory on upsert and reports the keys it left and entered', () => {
      ix.affected.upsert(advisory('DSA-2', [pkg('Debian:12', 'curl', [{ introduced: '0' }, { fixed: '7.88.1-10+deb12u8' }])]));
      const change = ix.affected.upsert(advisory('DSA-2', [pkg('Debian:12', 'libcurl', [{ introduced: '0' }, { fixed: '2' }])]));
      expect(keys(change)).toEqual(['Debian:12/curl', 'Debian:12/libcurl']);
      expect(ix.affected.lookup('Debian:12', 'curl')).toEqual([]);
      expect(ix.affected.lookup('Debian:12', 'libcurl')).toHaveLength(1);
    });

    it('indexes nothing for a withdrawn advisory, and removes by id', () => {
      ix.affected.upsert(advisory('DSA-3', [pkg('Debian:12', 'git', [{ introduced: '0' }, { fixed: '1:2.39.5-0+deb12u2' }])]));
      ix.affected.upsert(advisory('DSA-4', [pkg('Debian:12', 'git', [{ introduced: '0' }, { fixed: '1:2.39.5-0+deb12u3' }])]));
      const w = ix.affected.upsert(advisory('DSA-3', [pkg('Debian:12', 'git', [{ introduced: '0' }])], { withdrawn: '2025-02-01T00:00:00Z' }));
      expect(keys(w)).toEqual(['Debian:12/git']);
      expect(ix.affected.lookup('Debian:12', 'git').map((e) => e.advisoryId)).toEqual(['DSA-4']);
      expect(keys(ix.affected.remove('DSA-4'))).toEqual(['Debian:12/git']);
      expect(ix.affected.lookup('Debian:12', 'git')).toEqual([]);
      expect(ix.affected.remove('DSA-404')).toEqual({ keys: [], unindexed: 0 });
    });
  });
}

export function installedIndexContract(implementation: string, open: OpenIndexes): void {
  describe(`InstalledIndex contract (${implementation})`, () => {
    const ix = useIndexes(open);
    const debian = eco('debian', '12');
    const rocky = eco('rocky', '9.4');
    const deb = (name: string, version: string, source = name, sourceVersion = version) => ({ manager: 'apt' as const, name, version, arch: 'amd64', source: { name: source, version: sourceVersion } });

    it('stores a device by key id and answers which devices have a package', () => {
      const m = toMatchables(debian, [deb('libssl3', '3.0.11-1~deb12u2', 'openssl'), deb('openssl', '3.0.11-1~deb12u2'), deb('bash', '5.2.15-2+b2', 'bash', '5.2.15-2')]);
      expect(ix.installed.setDevice('d1', debian, m)).toEqual([]);
      ix.installed.setDevice('d2', debian, toMatchables(debian, [deb('libssl3', '3.0.13-1~deb12u1', 'openssl')]));
      const d1 = ix.installed.device('d1');
      expect(d1?.ecosystem).toEqual(debian);
      expect(d1?.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['bash@5.2.15-2', 'openssl@3.0.11-1~deb12u2']);
      const ids = Array.from(d1?.keyIds ?? []);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      const ssl = d1?.packages.find((p) => p.name === 'openssl');
      expect(ssl?.binaries.map((b) => b.name).sort()).toEqual(['libssl3', 'openssl']);
      expect(ix.installed.keyIdOf('Debian:12', 'openssl')).toBe(d1?.keyIds[d1.packages.indexOf(ssl!)]);
      expect(ix.installed.keyIdOf('Debian:12', 'zsh')).toBeUndefined();
      const having = [...ix.installed.withPackage('Debian:12', 'openssl')].map((e) => `${e.deviceId}:${e.package.version}`).sort();
      expect(having).toEqual(['d1:3.0.11-1~deb12u2', 'd2:3.0.13-1~deb12u1']);
      expect([...ix.installed.deviceIds()].sort()).toEqual(['d1', 'd2']);
    });

    it('knows which own ecosystems look a key up, and replaces or removes a device', () => {
      ix.installed.setDevice('d1', debian, toMatchables(debian, [deb('curl', '7.88.1-10+deb12u5')]));
      ix.installed.setDevice('r1', rocky, toMatchables(rocky, [{ manager: 'dnf', name: 'curl', version: '7.76.1-29.el9', arch: 'x86_64', source: { name: 'curl' } }]));
      expect([...ix.installed.primaryKeysFor('Debian:*')]).toEqual(['Debian:12']);
      expect([...ix.installed.primaryKeysFor('Rocky Linux:9')]).toEqual(['Rocky Linux:9']);
      const before = ix.installed.setDevice('d1', debian, toMatchables(debian, [deb('wget', '1.21.3-1+b2', 'wget', '1.21.3-1')]));
      expect(before.map((p) => p.name)).toEqual(['curl']);
      expect([...ix.installed.withPackage('Debian:12', 'curl')]).toEqual([]);
      expect([...ix.installed.withPackage('Debian:12', 'wget')].map((e) => e.deviceId)).toEqual(['d1']);
      ix.installed.removeDevice('r1');
      expect(ix.installed.device('r1')).toBeUndefined();
      expect([...ix.installed.primaryKeysFor('Rocky Linux:9')]).toEqual([]);
      expect([...ix.installed.deviceIds()]).toEqual(['d1']);
    });

    it('under the matcher gives the same hits, incrementally, as the reference indexes', () => {
      const ref = new Matcher(new InMemoryAffectedIndex(), new InMemoryInstalledIndex());
      const sut = new Matcher(ix.affected, ix.installed);
      const advisories = [
        advisory('DSA-10', [pkg('Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }])]),
        advisory('DEBIAN-CVE-2', [pkg('Debian', 'bash', [{ introduced: '0' }, { fixed: '5.2.15-2+deb12u1' }])]),
      ];
      const inv = [deb('libssl3', '3.0.11-1~deb12u2', 'openssl'), deb('bash', '5.2.15-2+b2', 'bash', '5.2.15-2'), deb('zsh', '5.9-4+b2', 'zsh', '5.9-4')];
      const hitsOf = (m: { hits: { advisoryId: string; group: string; installedVersion: string; fixedVersion: string | null }[] }) =>
        m.hits.map((h) => `${h.advisoryId}/${h.group}@${h.installedVersion}->${h.fixedVersion}`).sort();
      for (const a of advisories) expect(hitsOf(sut.applyAdvisory(a))).toEqual(hitsOf(ref.applyAdvisory(a)));
      const a = sut.updateDevice('d1', debian, toMatchables(debian, inv));
      expect(hitsOf(a)).toEqual(hitsOf(ref.updateDevice('d1', debian, toMatchables(debian, inv))));
      expect(hitsOf(a)).toEqual(['DEBIAN-CVE-2/bash@5.2.15-2->5.2.15-2+deb12u1', 'DSA-10/openssl@3.0.11-1~deb12u2->3.0.13-1~deb12u1']);
      const next = [deb('libssl3', '3.0.13-1~deb12u1', 'openssl'), inv[1]!, inv[2]!];
      const delta = sut.updateDevice('d1', debian, toMatchables(debian, next));
      expect(delta.scope).toEqual({ groups: ['openssl'] });
      expect(hitsOf(delta)).toEqual(hitsOf(ref.updateDevice('d1', debian, toMatchables(debian, next))));
      const third = advisory('DSA-11', [pkg('Debian:12', 'zsh', [{ introduced: '0' }, { fixed: '5.9-4+deb12u1' }])]);
      const fleetWide = sut.applyAdvisory(third);
      expect(fleetWide.devicesEvaluated).toEqual(['d1']);
      expect(hitsOf(fleetWide)).toEqual(hitsOf(ref.applyAdvisory(third)));
    });
  });
}
