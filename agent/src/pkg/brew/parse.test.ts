import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBrewList, parseBrewOutdated, parseBrewRun, parseBrewVersion, parsePasswd } from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const SPEC = fixture('brew-outdated-json-v2.homebrew-spec.json');

/*
 * Beyond the captured spec output, cask and pinned entries are built here from the shapes in
 * Homebrew's source (Cask#outdated_info: installed_versions a comma-joined string in older versions,
 * an array in current 4.x; pinned/pinned_version on formulae, and on casks in current versions).
 */

describe('parseBrewOutdated', () => {
  it("reads the output Homebrew's own outdated_spec asserts", () => {
    const { value, problems } = parseBrewOutdated(SPEC);
    expect(problems).toEqual([]);
    expect(value).toEqual({
      updates: [{ manager: 'brew', name: 'testball', arch: '', installedVersion: '0.0.1', candidateVersion: '0.1', security: 'unknown', advisories: [], cves: [] }],
      pinned: [],
    });
  });

  it('names casks cask:<token>, reads both cask version shapes and sets pinned entries apart', () => {
    const json = JSON.stringify({
      formulae: [
        { name: 'openssl@3', installed_versions: ['3.3.0', '3.3.1'], current_version: '3.3.2', pinned: false, pinned_version: null },
        { name: 'postgresql@14', installed_versions: ['14.11'], current_version: '14.13', pinned: true, pinned_version: '14.11' },
        { name: 'user/tap/tool', installed_versions: ['1.0_1'], current_version: '1.0_2', pinned: false, pinned_version: null },
      ],
      casks: [
        { name: 'firefox', installed_versions: '125.0.1', current_version: '126.0' },
        { name: 'iterm2', installed_versions: ['3.4.23'], current_version: '3.5.0', pinned: false, pinned_version: null },
      ],
    });
    const { value, problems } = parseBrewOutdated(json);
    expect(problems).toEqual([]);
    expect(value.updates.map((u) => [u.name, u.installedVersion, u.candidateVersion])).toEqual([
      ['openssl@3', '3.3.1', '3.3.2'],
      ['user/tap/tool', '1.0_1', '1.0_2'],
      ['cask:firefox', '125.0.1', '126.0'],
      ['cask:iterm2', '3.4.23', '3.5.0'],
    ]);
    expect(value.pinned).toEqual([{ name: 'postgresql@14', pinnedVersion: '14.11' }]);
  });

  it('reports invalid entries with their place and keeps the valid ones', () => {
    const { value, problems } = parseBrewOutdated(JSON.stringify({ formulae: [{ name: 'ok', installed_versions: ['1'], current_version: '2' }, { name: 42 }], casks: [] }));
    expect(value.updates.map((u) => u.name)).toEqual(['ok']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^formulae\[1\]: name: /);
  });

  it('handles empty, truncated and non-JSON output', () => {
    expect(parseBrewOutdated('')).toEqual({ value: { updates: [], pinned: [] }, problems: [] });
    expect(parseBrewOutdated(SPEC.slice(0, 60)).problems[0]?.message).toMatch(/^brew outdated did not print JSON/);
    expect(parseBrewOutdated('Error: Running Homebrew as root is extremely dangerous and no longer supported.').problems).toHaveLength(1);
    expect(parseBrewOutdated('[1,2]').problems[0]?.message).toMatch(/^unexpected brew outdated JSON/);
  });
});

describe('parseBrewList', () => {
  it('reads `name version…` lines and keeps the newest version', () => {
    const { value, problems } = parseBrewList('openssl@3 3.3.0 3.3.1\nlibsigc++ 3.6.0\nwget 1.24.5\n');
    expect(problems).toEqual([]);
    expect(value.map((p) => [p.name, p.version])).toEqual([
      ['openssl@3', '3.3.1'],
      ['libsigc++', '3.6.0'],
      ['wget', '1.24.5'],
    ]);
    expect(parseBrewList('firefox 126.0\n', 'cask').value[0]?.name).toBe('cask:firefox');
    expect(parseBrewList('lonely\n').problems).toEqual([{ line: 1, message: 'not a brew list line: "lonely"' }]);
  });
});

describe('parseBrewRun', () => {
  it('classifies the error lines Homebrew prints and names the packages', () => {
    const text = [
      '==> Upgrading 2 outdated packages:',
      'Error: No available formula with the name "nosuch". Did you mean nosql?',
      'Error: A `brew upgrade wget` process has already locked /opt/homebrew/Cellar/wget.',
      'Error: Not upgrading 1 pinned package:',
      'postgresql@14 14.11',
      'curl: (6) Could not resolve host: ghcr.io',
      'Error: Failed to download resource "openssl@3"',
      'Error: An exception occurred within a postflight block for docker.',
    ].join('\n');
    expect(parseBrewRun(text).value.map((f) => [f.code, f.packages])).toEqual([
      ['E_PKG_NOT_FOUND', ['nosuch']],
      ['E_PKG_LOCKED', ['wget']],
      ['E_PKG_CONFLICT', ['postgresql@14']],
      ['E_PKG_DOWNLOAD_FAILED', []],
      ['E_PKG_DOWNLOAD_FAILED', ['openssl@3']],
      ['E_PKG_SCRIPT_FAILED', []],
    ]);
    expect(parseBrewRun('Error: wget not installed').value[0]).toMatchObject({ code: 'E_PKG_NOT_FOUND', packages: ['wget'] });
    expect(parseBrewRun('').value).toEqual([]);
  });
});

describe('parseBrewVersion and parsePasswd', () => {
  it('reads `brew --version`', () => {
    expect(parseBrewVersion('Homebrew 4.3.5\nHomebrew/homebrew-core (git revision 1a2b; last commit 2024-06-01)\n')).toBe('4.3.5');
    expect(parseBrewVersion('')).toBeUndefined();
  });

  it('reads macOS `id -P` and Linux `getent passwd` entries, and nothing else', () => {
    expect(parsePasswd('alice:********:501:20::0:0:Alice Example:/Users/alice:/bin/zsh\n')).toEqual({ name: 'alice', uid: 501, gid: 20, home: '/Users/alice' });
    expect(parsePasswd('linuxbrew:x:1001:1001:,,,:/home/linuxbrew:/bin/bash\n')).toEqual({ name: 'linuxbrew', uid: 1001, gid: 1001, home: '/home/linuxbrew' });
    expect(parsePasswd('')).toBeUndefined();
    expect(parsePasswd('id: 777: no such user')).toBeUndefined();
    expect(parsePasswd('x:y:z:w:a:relative/home:/bin/sh')).toBeUndefined();
  });
});

describe('brew parsers on random input', () => {
  it('never throw', () => {
    const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));
    const shaped = fc
      .record({ formulae: fc.array(fc.dictionary(fc.constantFrom('name', 'installed_versions', 'current_version', 'pinned'), fc.jsonValue({ maxDepth: 2 }))), casks: fc.array(fc.jsonValue({ maxDepth: 2 })) })
      .map((v) => JSON.stringify(v));
    fc.assert(
      fc.property(fc.oneof(fc.string(), json, shaped), (t) => {
        parseBrewOutdated(t);
        parseBrewList(t);
        parseBrewRun(t);
        parseBrewVersion(t);
        parsePasswd(t);
      }),
      { numRuns: 300 },
    );
  });
});
