import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePacmanQuery } from './parse-query.js';
import { parseOwner, parsePacmanRun } from './parse-run.js';
import { parseSyncInfo } from './parse-sync-info.js';
import { parsePacmanPrint, parsePacmanUpdates } from './parse-updates.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parsePacmanQuery', () => {
  it('reads pacman -Qi blocks with their architecture', () => {
    const { value, problems } = parsePacmanQuery(fixture('pacman-Qi.debian12.txt'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { manager: 'pacman', name: 'pwtest-bar', version: '2.0-1', arch: 'any' },
      { manager: 'pacman', name: 'pwtest-broken', version: '1.0-1', arch: 'any' },
      { manager: 'pacman', name: 'pwtest-foo', version: '1.0-1', arch: 'any' },
    ]);
  });

  it('reads plain pacman -Q lines and reports the odd ones', () => {
    const { value, problems } = parsePacmanQuery('acl 2.3.1-1\nlinux 1:6.6.1.arch1-1\nnot a package line\n');
    expect(value).toEqual([
      { manager: 'pacman', name: 'acl', version: '2.3.1-1', arch: '' },
      { manager: 'pacman', name: 'linux', version: '1:6.6.1.arch1-1', arch: '' },
    ]);
    expect(problems).toEqual([{ line: 3, message: expect.stringContaining('expected "name version"') as string }]);
  });

  it('reports a block cut before its Version', () => {
    const cut = fixture('pacman-Qi.debian12.txt').split('Name            : pwtest-foo')[0] + 'Name            : pwtest-foo\n';
    const { value, problems } = parsePacmanQuery(cut);
    expect(value.map((p) => p.name)).toEqual(['pwtest-bar', 'pwtest-broken']);
    expect(problems).toHaveLength(1);
  });
});

describe('parsePacmanUpdates', () => {
  it('reads -Qu with an IgnorePkg entry (still outstanding) and never claims security', () => {
    const { value, problems } = parsePacmanUpdates(fixture('pacman-query-upgrades.txt'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { manager: 'pacman', name: 'sqlite', arch: '', installedVersion: '3.36.0-1', candidateVersion: '3.37.0-1', security: 'unknown', advisories: [], cves: [] },
      { manager: 'pacman', name: 'systemd', arch: '', installedVersion: '249.6-3', candidateVersion: '249.7-2', security: 'unknown', advisories: [], cves: [] },
    ]);
    expect(parsePacmanUpdates(fixture('pacman-Qu.debian12.txt')).value.map((u) => u.name)).toEqual(['pwtest-bar', 'pwtest-broken', 'pwtest-foo']);
  });

  it('reads nothing from empty output and reports garbage', () => {
    expect(parsePacmanUpdates('')).toEqual({ value: [], problems: [] });
    expect(parsePacmanUpdates('sqlite 3.36.0-1 => 3.37.0-1\n').problems).toHaveLength(1);
  });
});

describe('parsePacmanPrint', () => {
  it('reads -Sup --print-format rows; pacman 6.0 prints an unknown %a literally', () => {
    const { value, problems } = parsePacmanPrint(fixture('pacman-Sup-print-format.debian12.txt'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { name: 'pwtest-dep', version: '1.0-1', repo: 'pwlocal', arch: '' },
      { name: 'pwtest-bar', version: '2.1-1', repo: 'pwlocal', arch: '' },
      { name: 'pwtest-broken', version: '1.1-1', repo: 'pwlocal', arch: '' },
      { name: 'pwtest-foo', version: '1.1-1', repo: 'pwlocal', arch: '' },
    ]);
    expect(parsePacmanPrint('file:///var/cache/pacman/pkg/x.pkg.tar.zst\n').problems).toHaveLength(1);
  });
});

describe('parsePacmanRun', () => {
  it('ties the failed scriptlet of the real -Syu to the package that printed its output', () => {
    const { value } = parsePacmanRun(fixture('pacman-Syu-scriptlet-failure.debian12.txt'));
    expect(value.errorCode).toBe('E_PKG_SCRIPT_FAILED');
    expect(value.scriptletFailures).toEqual([{ name: 'pwtest-broken', message: 'pwtest-broken: post_upgrade failing on purpose' }]);
    expect(value.unattributedScriptletFailures).toBe(0);
    expect(value.touched).toEqual(['pwtest-dep', 'pwtest-bar', 'pwtest-broken', 'pwtest-foo']);
  });

  it('counts a silent scriptlet failure without pinning it on a package', () => {
    const silent = fixture('pacman-Syu-scriptlet-failure.debian12.txt').replace('pwtest-broken: post_upgrade failing on purpose\n', '');
    const { value } = parsePacmanRun(silent);
    expect(value.scriptletFailures).toEqual([]);
    expect(value.unattributedScriptletFailures).toBe(1);
    expect(value.message).toBe('1 install scriptlet(s) failed; pacman does not say of which package');
  });

  it('classifies a refused removal, a held lock, a missing target, a download failure', () => {
    expect(parsePacmanRun(fixture('pacman-R-breaks-dependency.debian12.txt')).value).toMatchObject({ errorCode: 'E_PKG_CONFLICT', message: ":: removing pwtest-dep breaks dependency 'pwtest-dep' required by pwtest-bar" });
    expect(parsePacmanRun('error: failed to init transaction (unable to lock database)\nerror: could not lock database: File exists\n').value.errorCode).toBe('E_PKG_LOCKED');
    expect(parsePacmanRun('error: target not found: nope\n').value).toMatchObject({ errorCode: 'E_PKG_NOT_FOUND', notFound: ['nope'] });
    expect(parsePacmanRun("error: failed retrieving file 'core.db' from mirror : Could not resolve host\n").value.errorCode).toBe('E_PKG_DOWNLOAD_FAILED');
  });
});

describe('parseOwner', () => {
  it('reads owned, not owned and unexpected answers', () => {
    expect(parseOwner('/usr/lib/modules/6.6.1-arch1-1/ is owned by linux 6.6.1.arch1-1\n').value).toEqual({ owned: true, owner: 'linux 6.6.1.arch1-1' });
    expect(parseOwner('error: No package owns /usr/lib/modules/6.6.0-arch1-1\n').value).toEqual({ owned: false });
    expect(parseOwner('something else').value.owned).toBe('unknown');
  });
});

describe('every pacman parser is total', () => {
  const parsers = [parsePacmanQuery, parsePacmanUpdates, parsePacmanPrint, parsePacmanRun, parseOwner];
  const samples = [fixture('pacman-Qi.debian12.txt'), fixture('pacman-Syu-scriptlet-failure.debian12.txt'), fixture('pacman-Qu.debian12.txt')];

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
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

describe('parseSyncInfo (pacman -Si)', () => {
  it('reads conflicts and replaces, version constraints stripped', () => {
    const { value, problems } = parseSyncInfo(fixture('pacman-si-conflicts-replaces.debian12.txt'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { name: 'pwtest-b', version: '1.0-1', arch: 'any', conflicts: [], replaces: [] },
      { name: 'pwtest-a', version: '1.1-1', arch: 'any', conflicts: ['pwtest-c'], replaces: [] },
      { name: 'pwtest-new', version: '2.0-1', arch: 'any', conflicts: [], replaces: ['pwtest-old', 'pwtest-gone'] },
    ]);
  });

  it('joins values wrapped onto indented lines, and reports a block without a name', () => {
    const text = 'Name            : big\nVersion         : 1-1\nConflicts With  : one  two\n                  three>=2\nReplaces        : None\n\nVersion         : 2-1\n';
    const { value, problems } = parseSyncInfo(text);
    expect(value).toEqual([{ name: 'big', version: '1-1', arch: '', conflicts: ['one', 'two', 'three'], replaces: [] }]);
    expect(problems).toHaveLength(1);
    expect(parseSyncInfo('')).toEqual({ value: [], problems: [] });
  });
});
