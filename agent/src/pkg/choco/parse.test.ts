import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chocoVerdict, parseChocoApply, parseChocoList, parseChocoOutdated, parseChocoVersion } from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseChocoOutdated', () => {
  it('reads the v0.9.10 capture: skips headers and summary, drops up-to-date rows, sets pinned ones apart', () => {
    const { value, problems } = parseChocoOutdated(fixture('choco-outdated.v0.9.10-beta1.issue457.txt'));
    expect(problems).toEqual([]);
    expect(value).toEqual({ updates: [], pinned: ['chromium', 'github'] });
  });

  it('reads limited output of current versions', () => {
    const { value, problems } = parseChocoOutdated('git|2.40.0|2.41.0|false\r\nnodejs-lts|18.16.0|20.11.1|false\r\n');
    expect(problems).toEqual([]);
    expect(value.updates).toEqual([
      { manager: 'choco', name: 'git', arch: '', installedVersion: '2.40.0', candidateVersion: '2.41.0', security: 'unknown', advisories: [], cves: [] },
      { manager: 'choco', name: 'nodejs-lts', arch: '', installedVersion: '18.16.0', candidateVersion: '20.11.1', security: 'unknown', advisories: [], cves: [] },
    ]);
  });

  it('reports row-shaped lines with the wrong content, with line numbers, and keeps the rest', () => {
    const { value, problems } = parseChocoOutdated('git|2.40.0|2.41.0|false\ngit|2.40.0|2.41.0\n-x|1|2|false\nok|1|2|maybe\n');
    expect(value.updates.map((u) => u.name)).toEqual(['git']);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4]);
  });

  it('handles empty and truncated output', () => {
    expect(parseChocoOutdated('')).toEqual({ value: { updates: [], pinned: [] }, problems: [] });
    const cut = parseChocoOutdated('git|2.40.0|2.41.0|false\n7zip|22.1|2');
    expect(cut.value.updates.map((u) => u.name)).toEqual(['git']);
    expect(cut.problems).toHaveLength(1);
  });
});

describe('parseChocoList', () => {
  it('reads id|version rows and ignores the header line old versions print', () => {
    const { value, problems } = parseChocoList('Chocolatey v1.4.0\nchocolatey|1.4.0\ngit|2.40.0\n2 packages installed.\n');
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { manager: 'choco', name: 'chocolatey', version: '1.4.0', arch: '' },
      { manager: 'choco', name: 'git', version: '2.40.0', arch: '' },
    ]);
    expect(parseChocoList('a|b|c').problems).toHaveLength(1);
  });
});

describe('parseChocoVersion', () => {
  it('reads v2 and v0.x version output', () => {
    expect(parseChocoVersion('2.2.2\r\n')).toBe('2.2.2');
    expect(parseChocoVersion('Chocolatey v0.10.15\n')).toBe('0.10.15');
    expect(parseChocoVersion('')).toBeUndefined();
  });
});

describe('chocoVerdict', () => {
  it('maps the documented exit codes', () => {
    expect(chocoVerdict(0, '')).toEqual({ ok: true, rebootRequired: false });
    expect(chocoVerdict(3010, '')).toMatchObject({ ok: true, rebootRequired: true });
    expect(chocoVerdict(1641, '')).toMatchObject({ ok: true, rebootRequired: true });
    expect(chocoVerdict(350, '')).toMatchObject({ ok: false, rebootRequired: true, code: 'E_PKG_RETRY' });
    expect(chocoVerdict(1604, '')).toMatchObject({ ok: false, code: 'E_PKG_FAILED' });
    expect(chocoVerdict(1605, '', 'uninstall')).toMatchObject({ ok: true });
    expect(chocoVerdict(1605, '', 'upgrade')).toMatchObject({ ok: false });
  });

  it('reads the cause of an error from the output, -1 arriving signed or unsigned', () => {
    expect(chocoVerdict(1, 'git is not installed. Cannot upgrade a non-existent package.')).toMatchObject({ code: 'E_PKG_NOT_FOUND' });
    expect(chocoVerdict(4294967295, "Unable to obtain lock file access on 'C:\\ProgramData\\chocolatey\\lib\\git'")).toMatchObject({
      code: 'E_PKG_LOCKED',
      message: "choco exited with -1: Unable to obtain lock file access on 'C:\\ProgramData\\chocolatey\\lib\\git'",
    });
    expect(chocoVerdict(1, "ERROR: Running [\"C:\\x\\setup.exe\" /S] was not successful. Exit code was '1603'.")).toMatchObject({ code: 'E_PKG_SCRIPT_FAILED' });
    expect(chocoVerdict(1, 'The remote name could not be resolved')).toMatchObject({ code: 'E_PKG_DOWNLOAD_FAILED' });
    expect(chocoVerdict(7, '')).toEqual({ ok: false, rebootRequired: false, code: 'E_PKG_FAILED', message: 'choco exited with 7' });
    expect(parseChocoApply('git is pinned. Skipping pinned package.').value.code).toBe('E_PKG_CONFLICT');
  });
});

describe('choco parsers on random input', () => {
  it('never throw', () => {
    const text = fc.oneof(fc.string(), fc.array(fc.constantFrom('|', 'git', '1.0', 'true', 'false', '\n', ' ', 'ERROR', '\r\n')).map((a) => a.join('')));
    fc.assert(
      fc.property(text, fc.integer(), (t, code) => {
        parseChocoList(t);
        parseChocoOutdated(t);
        parseChocoVersion(t);
        parseChocoApply(t);
        chocoVerdict(code, t);
      }),
      { numRuns: 500 },
    );
  });
});
