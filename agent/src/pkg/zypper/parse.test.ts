import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exitMeaning, ZYPPER_KNOWN_EXITS } from './exit-codes.js';
import { mergeZypperUpdates } from './merge.js';
import { parsePatchInfo } from './parse-patch-info.js';
import { parseZypperReboot } from './parse-reboot.js';
import { parseZypperRun } from './parse-run.js';
import { parseInstallSummary } from './parse-summary.js';
import { parseListPatches, parseListUpdates } from './parse-updates.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseListUpdates', () => {
  it('reads SLES 12 SP1 list-updates XML (no edition-old in zypper of that age)', () => {
    const { value, problems } = parseListUpdates(fixture('zypper-xmlout-list-updates.sle12sp1.xml'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { name: 'SUSEConnect', arch: 'x86_64', edition: '0.2.33-7.1', repo: 'SLE12-SP1-x86_64-Update', summary: 'Utility to register a system with the SUSE Customer Center' },
      { name: 'bind-libs', arch: 'x86_64', edition: '9.9.6P1-35.1', repo: 'SLE12-SP1-x86_64-Update', summary: 'Shared libraries of BIND' },
      { name: 'bind-utils', arch: 'x86_64', edition: '9.9.6P1-35.1', repo: 'SLE12-SP1-x86_64-Update', summary: 'Utilities to query and test DNS' },
    ]);
  });

  it('reads zypper 1.14 list-updates XML with edition-old and epochs', () => {
    const { value } = parseListUpdates(fixture('zypper-xmlout-list-updates.debian12.xml'));
    expect(value.map((u) => [u.name, u.editionOld, u.edition])).toEqual([
      ['pwtest-bar', '1:2.0-1', '1:2.1-1'],
      ['pwtest-broken', '1.0-1', '1.1-1'],
      ['pwtest-foo', '1.0-1', '1.1-1'],
    ]);
  });

  it('keeps complete elements of truncated XML and says it was cut', () => {
    const text = fixture('zypper-xmlout-list-updates.sle12sp1.xml');
    const cut = text.slice(0, text.indexOf('test and query the Domain'));
    const { value, problems } = parseListUpdates(cut);
    expect(value.map((u) => u.name)).toEqual(['SUSEConnect', 'bind-libs']);
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('not closed') as string, expect.stringContaining('</stream>') as string]);
  });

  it('finds nothing in the human table (deliberately edited capture) and says why', () => {
    const { value, problems } = parseListUpdates(fixture('zypper-list-updates.table.sles12sp2.EDITED.txt'));
    expect(value).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(parseListUpdates('')).toEqual({ value: [], problems: [] });
  });
});

describe('parseListPatches', () => {
  it('reads real list-patches XML: category, severity, status, CVE', () => {
    const { value, problems } = parseListPatches(fixture('zypper-xmlout-list-patches-all.debian12.xml'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      {
        id: 'PWSA-2026:0001',
        edition: '2',
        status: 'needed',
        category: 'security',
        severity: 'important',
        pkgmanager: false,
        restart: false,
        summary: 'pwtest-foo security update',
        cves: ['CVE-2026-0001'],
        repo: 'pwlocal',
      },
    ]);
  });

  it('reads a SLES-shaped list built from zypper XML schema (several issues, a restart patch)', () => {
    // No list-patches XML from a SUSE system exists in the captures: this one follows the element
    // and attribute names zypper 1.14 writes (src/utils/xml.cc, xmlout.rnc) and the real capture above.
    const text = `<?xml version='1.0'?>
<stream>
<update-status version="0.6">
<update-list>
<update kind="patch" name="SUSE-SLE-Module-Basesystem-15-SP5-2024-1234" edition="1" arch="noarch" status="needed" category="security" severity="critical" pkgmanager="true" restart="true" interactive="false"><summary>Security update for the Linux Kernel</summary><description>x</description><license/><source url="https://updates.suse.com/SUSE/Updates/SLE-Module-Basesystem/15-SP5/x86_64/update" alias="Basesystem_Module_15_SP5_x86_64:SLE-Module-Basesystem15-SP5-Updates"/><issue-date time_t="1714000000" text="2024-04-25T00:00:00Z"/><issue-list><issue type="bugzilla" id="1220000"><title>bug</title></issue><issue type="cve" id="CVE-2024-26581"><title>CVE-2024-26581</title></issue><issue type="cve" id="CVE-2024-26589"><title>CVE-2024-26589</title></issue></issue-list></update>
<update kind="patch" name="SUSE-SLE-Module-Basesystem-15-SP5-2024-1300" edition="1" arch="noarch" status="applied" category="recommended" severity="moderate" pkgmanager="false" restart="false" interactive="false"><summary>Recommended update for zlib</summary><description>x</description><license/><source url="https://updates.suse.com/x" alias="x"/></update>
</update-list>
</update-status>
</stream>`;
    const { value, problems } = parseListPatches(text);
    expect(problems).toEqual([]);
    expect(value[0]).toMatchObject({ severity: 'critical', pkgmanager: true, restart: true, cves: ['CVE-2024-26581', 'CVE-2024-26589'] });
    expect(value[1]).toMatchObject({ status: 'applied', category: 'recommended', cves: [] });
  });

  it('ignores package updates and solvables of other commands', () => {
    expect(parseListPatches(fixture('zypper-xmlout-list-updates.debian12.xml')).value).toEqual([]);
    expect(parseListPatches(fixture('zypper-xmlout-search-t-patch.sle12sp2.xml')).value).toEqual([]);
  });
});

describe('parsePatchInfo', () => {
  it('reads the Conflicts list of a two-package patch', () => {
    const { value, problems } = parsePatchInfo(fixture('zypper-info-t-patch.debian12.txt'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { id: 'PWSA-2026:0001', packages: [{ name: 'pwtest-foo', below: '1.1-1' }, { name: 'pwtest-bar', below: '1:2.1-1' }] },
    ]);
  });

  it('reads a one-line Conflicts, arch suffixes and srcpackage entries; reports missing patches', () => {
    const text = [
      'Information for patch A-1:',
      '-------------------------',
      'Conflicts   : libfoo1.x86_64 < 1.2-3.1',
      '',
      'Information for patch B-2:',
      'Conflicts   : [3]',
      '    srcpackage:kernel-default < 5.14.21-150500.55.52.1',
      '    kernel-default.x86_64 < 5.14.21-150500.55.52.1',
      '    kernel-default.s390x < 5.14.21-150500.55.52.1',
      '',
      "patch 'C-3' not found.",
    ].join('\n');
    const { value, problems } = parsePatchInfo(text);
    expect(value).toEqual([
      { id: 'A-1', packages: [{ name: 'libfoo1', arch: 'x86_64', below: '1.2-3.1' }] },
      {
        id: 'B-2',
        packages: [
          { name: 'kernel-default', arch: 'x86_64', below: '5.14.21-150500.55.52.1' },
          { name: 'kernel-default', arch: 's390x', below: '5.14.21-150500.55.52.1' },
        ],
      },
    ]);
    expect(problems).toEqual([{ line: 11, message: 'patch C-3 not found' }]);
  });
});

describe('parseInstallSummary', () => {
  it('reads a real dry run: upgrades, a new dependency and the patch itself', () => {
    const { value, problems } = parseInstallSummary(fixture('zypper-xmlout-patch-security-dry-run.debian12.xml'));
    expect(problems).toEqual([]);
    expect(value.resolved).toBe(true);
    expect(value.rows).toEqual([
      { kind: 'install', type: 'package', name: 'pwtest-dep', arch: 'noarch', edition: '1.0-1' },
      { kind: 'install', type: 'patch', name: 'PWSA-2026:0001', arch: 'noarch', edition: '2' },
      { kind: 'upgrade', type: 'package', name: 'pwtest-bar', arch: 'noarch', edition: '1:2.1-1', editionOld: '1:2.0-1' },
      { kind: 'upgrade', type: 'package', name: 'pwtest-foo', arch: 'noarch', edition: '1.1-1', editionOld: '1.0-1' },
    ]);
  });

  it('reads the error of an unresolvable request', () => {
    expect(parseInstallSummary(fixture('zypper-xmlout-update-dry-run-not-found.debian12.xml')).value).toEqual({ rows: [], errors: ["No provider of 'nonexist' found."], resolved: false });
  });
});

describe('parseZypperRun', () => {
  it('names the failed %pre of the real capture', () => {
    const { value } = parseZypperRun(fixture('zypper-update-prein-failure.debian12.txt'));
    expect(value.errorCode).toBe('E_PKG_SCRIPT_FAILED');
    expect(value.scriptlets).toEqual([expect.objectContaining({ name: 'pwtest-broken', scriptlet: 'PREIN', fatal: true })]);
    expect(value.failedPackages).toEqual(['pwtest-broken']);
  });

  it('sees the package-manager-first warning of a SLES patch run, and a clean SLES apply', () => {
    expect(parseZypperRun(fixture('zypper-patch-category-security-dry-run.sles12sp2.txt')).value.runAgain).toBe(true);
    expect(parseZypperRun(fixture('zypper-non-interactive-update-replacefiles.apply.sles.txt')).value).toEqual({ scriptlets: [], failedPackages: [], runAgain: false });
  });

  it('classifies a held lock and a missing package', () => {
    expect(parseZypperRun('System management is locked by the application with pid 1234 (zypper).\nClose this application before trying again.').value.errorCode).toBe('E_PKG_LOCKED');
    expect(parseZypperRun("No provider of 'nope' found.").value.errorCode).toBe('E_PKG_NOT_FOUND');
  });
});

describe('exit codes and reboot', () => {
  it('maps every documented exit code', () => {
    expect(ZYPPER_KNOWN_EXITS).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 101, 102, 103, 104, 105, 106, 107]);
    expect(exitMeaning(102)).toMatchObject({ ok: true, rebootRequired: true });
    expect(exitMeaning(103)).toMatchObject({ ok: true, runAgain: true });
    expect(exitMeaning(104)).toMatchObject({ ok: false, code: 'E_PKG_NOT_FOUND' });
    expect(exitMeaning(106)).toMatchObject({ ok: true });
    expect(exitMeaning(107)).toMatchObject({ ok: false, code: 'E_PKG_SCRIPT_FAILED' });
    expect(exitMeaning(7)).toMatchObject({ ok: false, code: 'E_PKG_LOCKED' });
    expect(exitMeaning(42)).toMatchObject({ ok: false, code: 'E_PKG_FAILED' });
  });

  it('reads needs-rebooting texts', () => {
    expect(parseZypperReboot(fixture('zypper-needs-rebooting.no.debian12.txt')).value.required).toBe(false);
    expect(parseZypperReboot('Core libraries or services have been updated.\nReboot is required to ensure that your system benefits from these updates.\n').value.required).toBe(true);
    expect(parseZypperReboot('huh').value.required).toBe('unknown');
  });
});

describe('mergeZypperUpdates', () => {
  it('ties the needed security patch to the packages it conflicts with', () => {
    const updates = mergeZypperUpdates(
      parseListUpdates(fixture('zypper-xmlout-list-updates.debian12.xml')).value,
      [],
      parseListPatches(fixture('zypper-xmlout-list-patches-all.debian12.xml')).value,
      parsePatchInfo(fixture('zypper-info-t-patch.debian12.txt')).value,
    );
    expect(updates).toEqual([
      { manager: 'zypper', name: 'pwtest-bar', arch: 'noarch', installedVersion: '1:2.0-1', candidateVersion: '1:2.1-1', security: true, severity: 'important', advisories: ['PWSA-2026:0001'], cves: ['CVE-2026-0001'], origin: 'pwlocal', title: 'patchwave test package' },
      { manager: 'zypper', name: 'pwtest-broken', arch: 'noarch', installedVersion: '1.0-1', candidateVersion: '1.1-1', security: false, advisories: [], cves: [], origin: 'pwlocal', title: 'patchwave test package' },
      { manager: 'zypper', name: 'pwtest-foo', arch: 'noarch', installedVersion: '1.0-1', candidateVersion: '1.1-1', security: true, severity: 'important', advisories: ['PWSA-2026:0001'], cves: ['CVE-2026-0001'], origin: 'pwlocal', title: 'test' },
    ]);
  });

  it('says unknown when the repositories carry no patches at all', () => {
    const [u] = mergeZypperUpdates(parseListUpdates(fixture('zypper-xmlout-list-updates.sle12sp1.xml')).value, [{ manager: 'zypper', name: 'SUSEConnect', version: '0.2.30-1.1', arch: 'x86_64' }], [], []);
    expect(u).toMatchObject({ installedVersion: '0.2.30-1.1', security: 'unknown' });
  });
});

describe('every zypper parser is total', () => {
  const parsers = [parseListUpdates, parseListPatches, parsePatchInfo, parseInstallSummary, parseZypperRun, parseZypperReboot];
  const samples = [
    fixture('zypper-xmlout-list-updates.debian12.xml'),
    fixture('zypper-xmlout-list-patches-all.debian12.xml'),
    fixture('zypper-xmlout-patch-security-dry-run.debian12.xml'),
    fixture('zypper-info-t-patch.debian12.txt'),
  ];

  it('never throws on random text or XML-ish noise', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.stringMatching(/^(<[a-z-]{1,12}( [a-z]{1,5}="[^"]{0,5}")*\/?>|<\/[a-z-]{1,12}>|[a-z &;<>"']){0,40}$/)), (text) => {
        for (const parse of parsers) parse(text);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on captured output cut or spliced at random points', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), fc.nat(), fc.string({ maxLength: 20 }), (text, a, b, junk) => {
        const i = a % (text.length + 1);
        const j = b % (text.length + 1);
        const mutated = text.slice(0, Math.min(i, j)) + junk + text.slice(Math.max(i, j));
        for (const parse of parsers) parse(mutated);
      }),
      { numRuns: 300 },
    );
  });
});
