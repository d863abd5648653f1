import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEED, versionLike, versionPair } from './__tests__/arbitraries.js';
import { compareRpm, parseRpmEvr, rpmvercmp } from './rpm.js';

describe('parseRpmEvr', () => {
  it.each([
    ['1.0', { epoch: null, version: '1.0', release: null }],
    ['1.0-1.fc39', { epoch: null, version: '1.0', release: '1.fc39' }],
    ['2:1.0-1', { epoch: '2', version: '1.0', release: '1' }],
    [':1.0', { epoch: '0', version: '1.0', release: null }],
    ['1:2:3-4-5', { epoch: '1', version: '2:3-4', release: '5' }],
    ['a:1.0', { epoch: null, version: 'a:1.0', release: null }],
    ['', { epoch: null, version: '', release: null }],
  ])('splits %j like rpm', (evr, expected) => {
    expect(parseRpmEvr(evr)).toEqual(expected);
  });
});

describe('compareRpm', () => {
  it('orders tilde, caret and releases as Fedora packaging guidelines describe', () => {
    const ascending = ['1.0~rc1-1', '1.0-1', '1.0-2', '1.0-10', '1.0^20240101git1-1', '1.0.1-1', '1:0.9-1'];
    for (let i = 0; i + 1 < ascending.length; i++) expect(compareRpm(ascending[i] ?? '', ascending[i + 1] ?? '')).toBe(-1);
  });

  it('treats an absent epoch as 0 and an absent release as empty', () => {
    expect(compareRpm('0:1.0-1', '1.0-1')).toBe(0);
    expect(compareRpm('1.0', '1.0-1')).toBe(-1);
    expect(compareRpm('1.0-', '1.0')).toBe(0);
  });

  it('never lets separators alone decide', () => {
    expect(rpmvercmp('1.0', '1_0')).toBe(0);
    expect(rpmvercmp('1..0', '1.0')).toBe(0);
    expect(rpmvercmp('1.0é', '1.0')).toBe(0);
  });
});

/** Versions and full EVRs made of everything rpm gives meaning to, plus separators it ignores. */
function rpmVersions(): fc.Arbitrary<string> {
  const part = versionLike(['0', '1', '2', '9', '10', '007', '.', '_', '+', '~', '^', 'a', 'b', 'rc', 'git', 'fc39', 'é'], 6);
  return fc
    .tuple(fc.constantFrom('', '', '0:', '1:', '2:', ':'), part, fc.option(part, { nil: null }))
    .map(([epoch, version, release]) => `${epoch}${version}${release === null ? '' : `-${release}`}`);
}

/** rpm.vercmp() of the installed rpm on every pair, in one process: -1, 0, 1 or 'error'. */
function realRpm(pairs: readonly (readonly [string, string])[]): (number | 'error')[] {
  const dir = mkdtempSync(join(tmpdir(), 'pw-rpmvercmp-'));
  try {
    const file = join(dir, 'pairs.tsv');
    writeFileSync(file, pairs.map(([a, b]) => `${a}\t${b}\n`).join(''), 'utf8');
    const lua = [
      '%{lua:',
      'for line in io.lines(rpm.expand("%{_pw_pairs}")) do',
      '  local a, b = line:match("^(.-)\\t(.*)$")',
      '  local ok, r = pcall(rpm.vercmp, a, b)',
      '  io.write(ok and tostring(r) or "error", "\\n")',
      'end}',
    ].join('\n');
    const out = execFileSync('rpm', ['--define', `_pw_pairs ${file}`, '--eval', lua], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (line === 'error' ? 'error' : Number(line)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('compareRpm against the real rpm.vercmp()', () => {
  it('agrees on every generated version and EVR pair', () => {
    const pairs = fc.sample(versionPair(rpmVersions()), { seed: SEED, numRuns: 500 });
    const answers = realRpm(pairs);
    expect(answers).toHaveLength(pairs.length);
    pairs.forEach(([a, b], i) => {
      const expected = answers[i];
      // rpm.vercmp() refuses only the empty string.
      if (expected === 'error') expect(a === '' || b === '').toBe(true);
      else expect({ a, b, cmp: compareRpm(a, b) }).toEqual({ a, b, cmp: expected });
    });
    expect(answers.filter((r) => r === 0).length).toBeGreaterThan(10);
  }, 60_000);
});
