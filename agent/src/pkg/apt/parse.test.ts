import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aptParsers } from './parse.js';
import {
  classifyAptFailure,
  dpkgErrorLines,
  installedKernels,
  isSecurityOrigin,
  parseAptApply,
  parseAptSimulation,
  parseAptStatus,
  parseAptUpdates,
  parseDpkgAudit,
  parseDpkgQuery,
  parseNeedrestartBatch,
  parseOrigin,
  parseRebootRequiredPkgs,
  rebootFromKernels,
  rebootFromNeedrestart,
  updatesFromSimulation,
} from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
/** Orders plain dotted versions numerically: enough for these tests, which do not test dpkg ordering. */
const numeric = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

describe('parseDpkgQuery', () => {
  it('reads the bookworm capture: every ii package, multi-arch qualifiers removed, source kept', () => {
    const { value, problems } = parseDpkgQuery(fixture('dpkg-query-W-tsv.bookworm.tsv'));
    expect(problems).toEqual([]);
    expect(value.packages).toHaveLength(825);
    expect(value.unsettled).toEqual([]);
    expect(value.packages.find((p) => p.name === 'libc6')).toEqual({
      manager: 'apt',
      name: 'libc6',
      version: '2.36-9+deb12u14',
      arch: 'amd64',
      source: { name: 'glibc', version: '2.36-9+deb12u14' },
    });
    expect(value.packages.find((p) => p.name === 'apt-transport-https')).toMatchObject({ arch: 'all', source: { name: 'apt', version: '2.6.1' } });
    expect(value.packages.some((p) => p.name.includes(':'))).toBe(false);
  });

  it('counts ii and hi (held) as installed; rc, un, half-configured and unpacked are not', () => {
    const text = [
      'a\t1.0\tamd64\tii \ta\t1.0',
      'held\t2.0\tamd64\thi \theld-src\t2.0-1',
      'gone\t1.0\tamd64\trc \tgone\t1.0',
      'never\t\t\tun \t\t',
      'broken\t1.1\tall\tiF \tbroken\t1.1',
      'unpacked\t3\tall\tiU \tunpacked\t3',
      'reinst\t4\tamd64\tiiR\treinst\t4',
      'leaving\t5\tamd64\tri \tleaving\t5',
      'lib32:i386\t6\ti386\tii \tlib32\t6',
    ].join('\n');
    const { value, problems } = parseDpkgQuery(text);
    expect(problems).toEqual([]);
    expect(value.packages.map((p) => `${p.name}/${p.arch}`)).toEqual(['a/amd64', 'held/amd64', 'reinst/amd64', 'lib32/i386']);
    expect(value.packages[1]?.source).toEqual({ name: 'held-src', version: '2.0-1' });
    expect(value.unsettled.map((u) => [u.name, u.state])).toEqual([
      ['broken', 'half-configured'],
      ['unpacked', 'unpacked'],
      ['reinst', 'reinst-required'],
      ['leaving', 'installed, marked for removal'],
    ]);
  });

  it('reports malformed and truncated lines with their line numbers and keeps the rest', () => {
    const { value, problems } = parseDpkgQuery('ok\t1\tall\tii \tok\t1\nnot a dpkg line\nx\t1\tall\tZZ \nlast\t2\tall\ti');
    expect(value.packages.map((p) => p.name)).toEqual(['ok']);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(problems[0]?.message).toMatch(/at least 4 tab-separated fields/);
    expect(parseDpkgQuery('')).toEqual({ value: { packages: [], unsettled: [] }, problems: [] });
  });
});

describe('parseAptSimulation / updates', () => {
  it('reads the bookworm dist-upgrade capture with its security classification', () => {
    const { value, problems } = parseAptSimulation(fixture('apt-get-s-dist-upgrade.bookworm.txt'));
    expect(problems).toEqual([]);
    expect(value.changes).toHaveLength(121);
    expect(value.changes.every((c) => c.kind === 'upgrade')).toBe(true);
    const updates = updatesFromSimulation(value);
    expect(updates.filter((u) => u.security === true)).toHaveLength(74);
    expect(updates.filter((u) => u.security === false)).toHaveLength(47);
    expect(updates.find((u) => u.name === 'jq')).toEqual({
      manager: 'apt',
      name: 'jq',
      arch: 'amd64',
      installedVersion: '1.6-2.1+deb12u1',
      candidateVersion: '1.6-2.1+deb12u3',
      security: true,
      advisories: [],
      cves: [],
      origin: 'Debian-Security:12/oldstable-security',
    });
    expect(updates.find((u) => u.name === 'base-files')).toMatchObject({ security: false, origin: 'Debian:12.15/oldstable' });
    // in both the point release and the security archive: security
    expect(updates.find((u) => u.name === 'libgnutls28-dev')).toMatchObject({
      security: true,
      origin: 'Debian:12.15/oldstable, Debian-Security:12/oldstable-security',
    });
    expect(updates.find((u) => u.name === 'tzdata')).toMatchObject({ arch: 'all', security: true });
  });

  it('classifies Ubuntu packages that are in both -updates and -security as security', () => {
    const updates = parseAptUpdates(fixture('ubuntu-apt-get-s-dist-upgrade.yakkety-security.txt')).value;
    expect(updates).toHaveLength(3);
    expect(updates.every((u) => u.security === true)).toBe(true);
    expect(updates[0]).toMatchObject({ name: 'python-samba', installedVersion: '2:4.4.5+dfsg-2ubuntu5.2', candidateVersion: '2:4.4.5+dfsg-2ubuntu5.4' });
  });

  it('classifies -updates only as not security (trusty capture, with its pasted-in Conf line)', () => {
    const { value, problems } = parseAptSimulation(fixture('ubuntu-apt-get-s-only-upgrade-install.trusty.EDITED.txt'));
    expect(problems).toEqual([]);
    expect(value.changes.map((c) => [c.name, c.arch, c.security])).toEqual([
      ['vim', 'amd64', false],
      ['vim-tiny', 'amd64', false],
      ['vim-runtime', 'all', false],
      ['vim-common', 'amd64', false],
    ]);
  });

  it('reads a single-package plan and what apt skipped', () => {
    const jq = parseAptSimulation(fixture('apt-get-s-install-only-upgrade-jq.bookworm.txt')).value;
    expect(jq.changes.map((c) => `${c.kind} ${c.name} ${c.from} -> ${c.to}`)).toEqual([
      'upgrade jq 1.6-2.1+deb12u1 -> 1.6-2.1+deb12u3',
      'upgrade libjq1 1.6-2.1+deb12u1 -> 1.6-2.1+deb12u3',
    ]);
    expect(parseAptSimulation(fixture('apt-get-install-missing-package.bookworm.txt')).value.skipped).toEqual([
      { name: 'definitely-not-a-package', reason: 'not-found', text: 'Unable to locate package definitely-not-a-package' },
    ]);
    expect(parseAptSimulation(fixture('apt-get-install-only-upgrade-jq.already-newest.bookworm.txt')).value.skipped[0]).toMatchObject({
      name: 'jq',
      reason: 'already-newest',
    });
    // After `--`, a leading dash is a package name to apt (it found no such package), not an option.
    expect(parseAptSimulation(fixture('apt-get-install-dash-after-doubledash.bookworm.txt')).value.messages).toEqual([
      { level: 'E', text: 'Unable to locate package -q' },
    ]);
  });

  it('tells installs, downgrades, reinstalls and removals apart', () => {
    const text = [
      'Inst newdep (2.0 Debian:12.15/oldstable [amd64])',
      'Inst old [2.0] (1.0 Patchwave-Test:1.0/patchwave-test [all])',
      'Inst same [1.0] (1.0 localhost [all])',
      'Inst lib32:i386 [1] (2 Debian-Security:12/bookworm-security [i386])',
      'Inst bare [1] (2 [all])',
      'Remv obsolete [0.9]',
      'The following packages have been kept back:',
      '  held-one held-two',
      'Inst garbage',
    ].join('\n');
    const { value, problems } = parseAptSimulation(text, numeric);
    expect(value.changes.map((c) => [c.kind, c.name, c.arch, c.from, c.to, c.security])).toEqual([
      ['install', 'newdep', 'amd64', null, '2.0', false],
      ['downgrade', 'old', 'all', '2.0', '1.0', false],
      ['reinstall', 'same', 'all', '1.0', '1.0', false],
      ['upgrade', 'lib32', 'i386', '1', '2', true],
      ['upgrade', 'bare', 'all', '1', '2', false],
      ['remove', 'obsolete', '', '0.9', null, false],
    ]);
    expect(value.keptBack).toEqual(['held-one', 'held-two']);
    expect(problems).toEqual([{ line: 9, message: 'unreadable Inst line: Inst garbage' }]);
    expect(value.changes[2]?.origins).toEqual([{ raw: 'localhost' }]);
  });

  it('reads origins', () => {
    expect(parseOrigin('Debian-Security:12/oldstable-security')).toEqual({
      raw: 'Debian-Security:12/oldstable-security',
      label: 'Debian-Security',
      version: '12',
      archive: 'oldstable-security',
    });
    expect(parseOrigin('Ubuntu:22.04/jammy-security')).toMatchObject({ label: 'Ubuntu', archive: 'jammy-security' });
    expect(isSecurityOrigin(parseOrigin('Ubuntu:22.04/jammy-security'))).toBe(true);
    expect(isSecurityOrigin(parseOrigin('Ubuntu:22.04/jammy-updates'))).toBe(false);
    expect(isSecurityOrigin(parseOrigin('Debian-Security:12/bookworm-security'))).toBe(true);
    expect(isSecurityOrigin(parseOrigin('Debian:12.15/oldstable'))).toBe(false);
    expect(isSecurityOrigin(parseOrigin('localhost'))).toBe(false);
  });
});

describe('apt status fd, dpkg --audit and failures', () => {
  const status = [
    'dlstatus:1:0.0000:Retrieving file 1 of 1',
    'pmstatus:dpkg-exec:0.0000:Running dpkg',
    'pmstatus:pw-broken:60.0000:Configuring pw-broken (amd64)',
    'pmerror:pw-broken:60.0000:installed pw-broken package post-installation script subprocess returned error exit status 1',
    'pmconffile:/etc/pw.conf:70.0000:\'/etc/pw.conf\' \'/etc/pw.conf.dpkg-new\' 1 1',
  ].join('\n');

  it('reads pmstatus and pmerror lines', () => {
    const { value, problems } = parseAptStatus(`${status}\nsomething else`);
    expect(value.lines).toHaveLength(5);
    expect(value.lines[2]).toEqual({ kind: 'pmstatus', subject: 'pw-broken', percent: 60, text: 'Configuring pw-broken (amd64)' });
    expect(value.errors).toEqual([
      { package: 'pw-broken', message: 'installed pw-broken package post-installation script subprocess returned error exit status 1' },
    ]);
    expect(problems).toEqual([{ line: 6, message: 'unknown status line: something else' }]);
  });

  it('reads dpkg --audit half-configured output', () => {
    const audit = [
      'The following packages are only half configured, probably due to problems',
      'configuring them the first time.  The configuration should be retried using',
      'dpkg --configure <package> or the configure menu option in dselect:',
      ' pw-broken test package',
      '',
      'The following packages have been unpacked but not yet configured.',
      'They must be configured using dpkg --configure or the configure',
      'menu option in dselect for them to work:',
      ' pw-unpacked    another one',
      '',
    ].join('\n');
    expect(parseDpkgAudit(audit)).toEqual({
      value: [
        { name: 'pw-broken', state: 'half-configured' },
        { name: 'pw-unpacked', state: 'unpacked' },
      ],
      problems: [],
    });
    expect(parseDpkgAudit('')).toEqual({ value: [], problems: [] });
  });

  it('gives each failure its stable code', () => {
    const none = { lines: [], errors: [] };
    expect(
      classifyAptFailure(
        'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)\nN: Be aware that removing the lock file is not a solution and may break your system.\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?',
        none,
      ),
    ).toEqual({ code: 'E_PKG_LOCKED', message: 'Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)', retryable: true });
    expect(classifyAptFailure('E: Sub-process /usr/bin/dpkg returned an error code (1)', parseAptStatus(status).value)).toMatchObject({
      code: 'E_PKG_SCRIPT_FAILED',
      message: 'pw-broken: installed pw-broken package post-installation script subprocess returned error exit status 1',
    });
    expect(classifyAptFailure(fixture('apt-get-install-missing-package.bookworm.txt'), none).code).toBe('E_PKG_NOT_FOUND');
    expect(classifyAptFailure("E: Version '9' for 'jq' was not found", none).code).toBe('E_PKG_NOT_FOUND');
    expect(classifyAptFailure('E: Failed to fetch http://x/y.deb  404  Not Found', none)).toMatchObject({ code: 'E_PKG_DOWNLOAD_FAILED', retryable: true });
    expect(classifyAptFailure('E: Unable to correct problems, you have held broken packages.', none).code).toBe('E_PKG_CONFLICT');
    expect(classifyAptFailure("E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.", none).code).toBe(
      'E_PKG_HALF_CONFIGURED',
    );
    expect(classifyAptFailure('', none)).toEqual({ code: 'E_PKG_FAILED', message: 'apt-get failed without a message', retryable: false });
  });

  it('reads a real apply: what was set up, no failure', () => {
    const { value } = parseAptApply(fixture('apt-get-install-only-upgrade-jq.real-apply.bookworm.txt'));
    expect(value.failure).toBeNull();
    expect(value.setUp).toEqual([
      { name: 'libjq1', version: '1.6-2.1+deb12u3' },
      { name: 'jq', version: '1.6-2.1+deb12u3' },
    ]);
    const xenial = parseAptApply(fixture('ubuntu-apt-get-only-upgrade-install-zlib1g.apply.xenial.txt')).value;
    expect(xenial.setUp).toEqual([{ name: 'zlib1g', version: '1:1.2.8.dfsg-2ubuntu4.1' }]);
  });

  it('keeps the dpkg error line with its reason', () => {
    const out = 'dpkg: error processing package pw-broken (--configure):\n installed pw-broken package post-installation script subprocess returned error exit status 1\nErrors were encountered while processing:\n pw-broken\n';
    expect(dpkgErrorLines(out)).toEqual([
      'dpkg: error processing package pw-broken (--configure): installed pw-broken package post-installation script subprocess returned error exit status 1',
    ]);
    const report = parseAptApply(`${out}E: Sub-process /usr/bin/dpkg returned an error code (1)\n${status}`).value;
    expect(report.failure?.code).toBe('E_PKG_SCRIPT_FAILED');
    expect(report.status.errors).toHaveLength(1);
  });
});

describe('reboot', () => {
  it('reads the needrestart batch capture (container: kernel status unknown)', () => {
    const { value, problems } = parseNeedrestartBatch(fixture('needrestart-b.batch.bookworm-container.txt'));
    expect(problems).toEqual([]);
    expect(value).toEqual({ version: '3.6', kernelCurrent: '6.18.44-fc-v595', kernelStatus: 0, microcodeStatus: 1, services: [] });
    expect(rebootFromNeedrestart(value).required).toBe('unknown');
  });

  it('maps NEEDRESTART-KSTA 3 and 2 to a required reboot, 1 to none', () => {
    const pending = parseNeedrestartBatch('NEEDRESTART-VER: 3.6\nNEEDRESTART-KCUR: 6.1.0-17-amd64\nNEEDRESTART-KEXP: 6.1.0-18-amd64\nNEEDRESTART-KSTA: 3\nNEEDRESTART-SVC: ssh.service\n').value;
    expect(pending.services).toEqual(['ssh.service']);
    expect(rebootFromNeedrestart(pending)).toEqual({
      required: true,
      reasons: ['needrestart: running kernel 6.1.0-17-amd64 but 6.1.0-18-amd64 is installed'],
      packages: [],
    });
    expect(rebootFromNeedrestart(parseNeedrestartBatch('NEEDRESTART-KSTA: 2').value).required).toBe(true);
    expect(rebootFromNeedrestart(parseNeedrestartBatch('NEEDRESTART-KSTA: 1').value).required).toBe(false);
    expect(parseNeedrestartBatch('NEEDRESTART-KSTA: 9\ngarbage').problems).toHaveLength(2);
  });

  it('reads reboot-required.pkgs', () => {
    expect(parseRebootRequiredPkgs('linux-image-6.8.0-45-generic\nlibc6\nlibc6\n\n; rm -rf\n')).toEqual(['linux-image-6.8.0-45-generic', 'libc6']);
  });

  it('compares the running kernel with the newest installed kernel image', () => {
    const kernels = installedKernels([
      { name: 'linux-image-amd64', version: '6.1.76-1' },
      { name: 'linux-image-6.1.0-17-amd64', version: '6.1.69-1' },
      { name: 'linux-image-6.1.0-18-amd64', version: '6.1.76-1' },
      { name: 'linux-image-6.1.0-18-amd64-dbg', version: '6.1.76-1' },
    ]);
    expect(kernels.map((k) => k.release)).toEqual(['6.1.0-17-amd64', '6.1.0-18-amd64', '6.1.0-18-amd64-dbg']);
    expect(rebootFromKernels('6.1.0-17-amd64', kernels, numeric)).toEqual({
      required: true,
      reasons: ['running kernel 6.1.0-17-amd64 but 6.1.0-18-amd64 (6.1.76-1) is installed'],
      packages: ['linux-image-6.1.0-18-amd64'],
    });
    expect(rebootFromKernels('6.1.0-18-amd64', kernels, numeric).required).toBe(false);
    expect(rebootFromKernels('6.18.44-fc-v782', kernels, numeric).required).toBe('unknown');
    expect(rebootFromKernels('6.1.0-18-amd64', [], numeric).required).toBe('unknown');
  });
});

describe('every apt parser is total', () => {
  const parsers = Object.entries(aptParsers);

  it.each(parsers)('%s survives empty, truncated and random input without throwing', (_kind, parse) => {
    expect(parse('').problems).toEqual([]);
    const full = fixture('apt-get-s-dist-upgrade.bookworm.txt');
    for (const cut of [1, 17, 500, 4096, full.length - 3]) expect(() => parse(full.slice(0, cut))).not.toThrow();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        parse(s);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('Inst ', 'Remv ', 'pmerror:', 'NEEDRESTART-KSTA: ', 'E: ', '\t', ' [', '(', ')', ']', ':', '/', 'ii ', 'x', '1.0', '\n'), {
          maxLength: 60,
        }),
        (parts) => {
          parse(parts.join(''));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a truncated dist-upgrade keeps every complete Inst line', () => {
    const full = fixture('apt-get-s-dist-upgrade.bookworm.txt');
    const cut = full.slice(0, full.indexOf('Inst libssl3 ') + 30);
    const { value, problems } = parseAptSimulation(cut);
    expect(value.changes.length).toBeGreaterThan(10);
    expect(problems).toHaveLength(1);
  });
});
