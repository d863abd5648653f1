import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apkKernelReboot, parseApkInstalled, parseApkRun, parseApkVersionList, splitApkNameVersion } from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The apk-tools solver tests: each `@EXPECT` block is the exact output of `apk --simulate <@ARGS>`. */
function solverCases(): Map<string, { args: string; expect: string }> {
  const cases = new Map<string, { args: string; expect: string }>();
  for (const block of fixture('apk-upgrade-simulate.solver-tests.txt').split(/^===== /m).slice(1)) {
    const name = /^test\/solver\/(\S+)\.test/.exec(block)?.[1] ?? '';
    const args = /^@ARGS (.*)$/m.exec(block)?.[1] ?? '';
    const expect = block.split(/^@EXPECT\n/m)[1] ?? '';
    cases.set(name, { args, expect });
  }
  return cases;
}

describe('splitApkNameVersion', () => {
  it('splits the way apk_pkg_parse_name does', () => {
    expect(splitApkNameVersion('ca-certificates-bundle-20240226-r0')).toEqual({ name: 'ca-certificates-bundle', version: '20240226-r0' });
    expect(splitApkNameVersion('libcrypto1.0-1.0.1q-r0')).toEqual({ name: 'libcrypto1.0', version: '1.0.1q-r0' });
    expect(splitApkNameVersion('py3-a-b-2.0')).toEqual({ name: 'py3-a-b', version: '2.0' });
    expect(splitApkNameVersion('no-version-here')).toBeUndefined();
    expect(splitApkNameVersion('-1.0')).toBeUndefined();
  });
});

describe('parseApkInstalled', () => {
  it('reads the Alpine 3.20 capture, skipping the cache warnings', () => {
    const { value, problems } = parseApkInstalled(fixture('apk-list-installed.alpine3.20.txt'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { manager: 'apk', name: 'alpine-baselayout', version: '3.6.5-r0', arch: 'x86_64' },
      { manager: 'apk', name: 'alpine-baselayout-data', version: '3.6.5-r0', arch: 'x86_64', source: { name: 'alpine-baselayout', version: '3.6.5-r0' } },
      { manager: 'apk', name: 'ca-certificates-bundle', version: '20240226-r0', arch: 'x86_64', source: { name: 'ca-certificates', version: '20240226-r0' } },
    ]);
  });

  it('returns nothing for empty output and reports malformed lines with their line numbers', () => {
    expect(parseApkInstalled('')).toEqual({ value: [], problems: [] });
    const { value, problems } = parseApkInstalled('musl-1.2.5-r0 x86_64 {musl} (MIT) [installed]\ngarbage line\n');
    expect(value).toHaveLength(1);
    expect(problems).toEqual([{ line: 2, message: 'not an apk list line: "garbage line"' }]);
  });

  it('keeps the complete lines of truncated output and reports the cut one', () => {
    const text = fixture('apk-list-installed.alpine3.20.txt');
    const cut = text.slice(0, text.indexOf('{ca-certificates}') + 5);
    const { value, problems } = parseApkInstalled(cut);
    expect(value.map((p) => p.name)).toEqual(['alpine-baselayout', 'alpine-baselayout-data']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(5);
  });
});

describe('parseApkVersionList', () => {
  it("reads the 'apk version' capture", () => {
    const arch = (n: string) => (n === 'nrpe' ? 'x86_64' : '');
    const { value, problems } = parseApkVersionList(fixture('apk-version.txt'), arch);
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { manager: 'apk', name: 'libcrypto1.0', arch: '', installedVersion: '1.0.1q-r0', candidateVersion: '1.0.2m-r0', security: 'unknown', advisories: [], cves: [] },
      { manager: 'apk', name: 'libssl1.0', arch: '', installedVersion: '1.0.1q-r0', candidateVersion: '1.0.2m-r0', security: 'unknown', advisories: [], cves: [] },
      { manager: 'apk', name: 'nrpe', arch: 'x86_64', installedVersion: '2.14-r2', candidateVersion: '2.15-r5', security: 'unknown', advisories: [], cves: [] },
    ]);
  });

  it('reads the repository tag column of newer apk-tools and ignores = and > rows', () => {
    const text = 'Installed:                                Available:\nbusybox-1.36.1-r28                      < 1.36.1-r29 \nfoo-2-r0                                = 2-r0 \nbar-1-r0                                < 2-r0 @testing\n';
    const { value } = parseApkVersionList(text);
    expect(value.map((u) => [u.name, u.candidateVersion, u.origin])).toEqual([
      ['busybox', '1.36.1-r29', undefined],
      ['bar', '2-r0', '@testing'],
    ]);
  });

  it('treats the header alone as no updates and reports malformed lines', () => {
    expect(parseApkVersionList('Installed:                                Available:\n')).toEqual({ value: [], problems: [] });
    expect(parseApkVersionList('what is this').problems).toHaveLength(1);
  });
});

describe('parseApkRun', () => {
  const cases = solverCases();
  const run = (name: string) => {
    const c = cases.get(name);
    if (!c) throw new Error(`no solver case ${name}`);
    return parseApkRun(c.expect);
  };

  it('reads upgrades and the final OK line (basic17: add --upgrade a)', () => {
    const { value, problems } = run('basic17');
    expect(problems).toEqual([]);
    expect(value).toEqual({
      changes: [
        { kind: 'upgrade', name: 'b', from: '1', to: '2' },
        { kind: 'upgrade', name: 'a', from: '1', to: '2' },
      ],
      failures: [],
      completed: true,
    });
  });

  it('reads every verb apk prints: Purging, Installing, Replacing, Downgrading, tagged names', () => {
    expect(run('provides-prio4').value.changes).toEqual([
      { kind: 'remove', name: 'dash-binsh', from: '0.5.12-r3', to: null },
      { kind: 'install', name: 'busybox-binsh', from: null, to: '1.37.0-r23' },
    ]);
    expect(run('basic5').value.changes[0]).toEqual({ kind: 'reinstall', name: 'b', from: '2', to: '2' });
    expect(run('pinning8').value.changes).toEqual([
      { kind: 'downgrade', name: 'b', from: '3', to: '2' },
      { kind: 'upgrade', name: 'a', tag: 'testing', from: '3', to: '3.1' },
      { kind: 'upgrade', name: 'c', tag: 'testing', from: '3', to: '3.1' },
    ]);
    expect(run('selfupgrade1').value.changes.map((c) => c.name)).toEqual(['libcrypto', 'apk-tools']);
  });

  it('reads the solver failure block and names the packages it blames (basic12, basic13)', () => {
    expect(run('basic12').value).toEqual({
      changes: [],
      failures: [
        {
          code: 'E_PKG_CONFLICT',
          message: 'unable to select packages; b-2:; masked in: --no-network; satisfies: a-2[b]; a-2:; masked in: --no-network; satisfies: world[a]',
          packages: ['b', 'a'],
        },
      ],
      completed: false,
    });
    expect(run('basic13').value.failures[0]?.packages).toEqual(['a']);
  });

  it('parses every solver case without problems', () => {
    for (const [name, c] of cases) {
      expect({ name, problems: parseApkRun(c.expect).problems }).toEqual({ name, problems: [] });
    }
  });

  it('classifies the documented apk error lines', () => {
    const text = [
      'ERROR: unable to select packages:',
      '  nosuch (no such package):',
      '    required by: world[nosuch]',
      'ERROR: Unable to lock database: Resource temporarily unavailable',
      'ERROR: Failed to open apk database: Resource temporarily unavailable',
      'ERROR: busybox-1.36.1-r29.post-upgrade: script exited with error 127',
      'ERROR: curl-8.9.0-r0: network error (check Internet connection and firewall)',
      '2 errors; 13 MiB in 25 packages',
    ].join('\n');
    const { value, problems } = parseApkRun(text);
    expect(problems).toEqual([]);
    expect(value.failures.map((f) => [f.code, f.packages])).toEqual([
      ['E_PKG_NOT_FOUND', ['nosuch']],
      ['E_PKG_LOCKED', []],
      ['E_PKG_FAILED', []],
      ['E_PKG_SCRIPT_FAILED', ['busybox']],
      ['E_PKG_DOWNLOAD_FAILED', ['curl']],
    ]);
    expect(parseApkRun('ERROR: Unable to lock database: Permission denied').value.failures[0]?.code).toBe('E_PKG_FAILED');
  });

  it('handles empty, truncated and malformed output', () => {
    expect(parseApkRun('')).toEqual({ value: { changes: [], failures: [], completed: false }, problems: [] });
    const truncated = parseApkRun('(1/2) Upgrading b (1 -> 2)\n(2/2) Upgr');
    expect(truncated.value.completed).toBe(false);
    expect(truncated.value.changes).toHaveLength(1);
    expect(truncated.problems).toEqual([{ line: 2, message: 'unexpected apk output: "(2/2) Upgr"' }]);
  });
});

describe('apkKernelReboot', () => {
  const pkg = (name: string, version: string) => ({ manager: 'apk' as const, name, version, arch: 'x86_64' });
  it('compares the running kernel with the installed linux-<flavour> package', () => {
    expect(apkKernelReboot('6.6.31-0-lts\n', [pkg('linux-lts', '6.6.31-r0')])).toEqual({ required: false });
    expect(apkKernelReboot('6.6.31-0-lts', [pkg('linux-lts', '6.6.32-r0')])).toEqual({
      required: true,
      reason: 'running kernel 6.6.31-0-lts but linux-lts 6.6.32-r0 (6.6.32-0-lts) is installed',
    });
    expect(apkKernelReboot('6.1.0-18-amd64', [pkg('linux-lts', '6.6.32-r0')]).required).toBe('unknown');
    expect(apkKernelReboot('5.15.0-1-virt', []).required).toBe('unknown');
  });
});

describe('apk parsers on random input', () => {
  it('never throw', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(fc.constantFrom('(1/2) Upgrading ', 'ERROR: ', '  ', 'x-1 ', '{', '}', '(', ')', '\n', '<', ' -> ', 'OK: ')).map((a) => a.join('')));
    fc.assert(
      fc.property(text, (t) => {
        parseApkInstalled(t);
        parseApkVersionList(t);
        parseApkRun(t);
        splitApkNameVersion(t);
        apkKernelReboot(t, []);
      }),
      { numRuns: 500 },
    );
  });
});
