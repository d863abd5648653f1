import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEED, versionLike, versionPair } from './__tests__/arbitraries.js';
import { mapPool } from './__tests__/pool.js';
import { compareDpkg, parseDpkgVersion } from './dpkg.js';

const execFileAsync = promisify(execFile);

describe('parseDpkgVersion', () => {
  it('splits epoch, upstream and revision at the first colon and the last hyphen', () => {
    expect(parseDpkgVersion('2:1.2.3-4ubuntu0.1')).toEqual({ ok: true, version: { epoch: 2, upstream: '1.2.3', revision: '4ubuntu0.1' } });
    expect(parseDpkgVersion('1:2.0-rc-1')).toEqual({ ok: true, version: { epoch: 1, upstream: '2.0-rc', revision: '1' } });
    expect(parseDpkgVersion('1:2:3')).toEqual({ ok: true, version: { epoch: 1, upstream: '2:3', revision: '' } });
    expect(parseDpkgVersion('  1.0\t')).toEqual({ ok: true, version: { epoch: 0, upstream: '1.0', revision: '' } });
  });

  it.each([
    ['', 'version string is empty', 0],
    ['  ', 'version string is empty', 0],
    ['1.0 2', 'version string has embedded spaces', 3],
    [':1.0', 'epoch in version is empty', 0],
    ['a:1.0', 'epoch in version is empty', 0],
    ['1a:1.0', 'epoch in version is not number', 1],
    ['-1:1.0', 'epoch in version is negative', 0],
    ['2147483648:1.0', 'epoch in version is too big', 0],
    ['99999999999999999999999:1.0', 'epoch in version is too big', 0],
    ['1:', 'nothing after colon in version number', 1],
    ['1.0-', 'revision number is empty', 3],
    ['-1', 'version number is empty', 0],
    ['1:-1', 'version number is empty', 2],
  ])('rejects %j: %s', (input, reason, at) => {
    expect(parseDpkgVersion(input)).toEqual({ ok: false, severity: 'error', reason, at });
  });

  it.each([
    ['abc', 'version number does not start with digit', 0, { epoch: 0, upstream: 'abc', revision: '' }],
    ['1:~1', 'version number does not start with digit', 2, { epoch: 1, upstream: '~1', revision: '' }],
    ['1.0_1', 'invalid character in version number', 3, { epoch: 0, upstream: '1.0_1', revision: '' }],
    ['1.0é', 'invalid character in version number', 3, { epoch: 0, upstream: '1.0é', revision: '' }],
    ['1.0-1_2', 'invalid character in revision number', 5, { epoch: 0, upstream: '1.0', revision: '1_2' }],
  ])('warns about %j like dpkg and still parses it', (input, reason, at, version) => {
    expect(parseDpkgVersion(input)).toEqual({ ok: false, severity: 'warning', reason, at, version });
  });

  it('accepts what strtol accepts as an epoch', () => {
    expect(parseDpkgVersion('+1:2')).toEqual({ ok: true, version: { epoch: 1, upstream: '2', revision: '' } });
    expect(parseDpkgVersion('007:2')).toEqual({ ok: true, version: { epoch: 7, upstream: '2', revision: '' } });
    expect(parseDpkgVersion('-0:2')).toEqual({ ok: true, version: { epoch: 0, upstream: '2', revision: '' } });
  });
});

describe('compareDpkg', () => {
  it('orders the way Debian policy describes', () => {
    const ascending = ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a', '1.0+b1', '1.0.1', '1.0.1-0.1', '1.0.1-1', '1.0.1-1+deb12u1', '1:0.1'];
    for (let i = 0; i + 1 < ascending.length; i++) expect(compareDpkg(ascending[i] ?? '', ascending[i + 1] ?? '')).toBe(-1);
  });

  it('treats equal numbers with different spellings as equal', () => {
    expect(compareDpkg('1.09', '1.9')).toBe(0);
    expect(compareDpkg('0:1.0-0', '1.0')).toBe(0);
    expect(compareDpkg('007:1', '7:1')).toBe(0);
  });

  it('compares epochs beyond INT_MAX (which dpkg refuses) by value', () => {
    expect(compareDpkg('99999999999999999999:1', '99999999999999999998:2')).toBe(1);
  });

  it('puts the blank version below everything but tildes, as dpkg --compare-versions does', () => {
    expect(compareDpkg('', '0')).toBe(0);
    expect(compareDpkg('', '~')).toBe(1);
    expect(compareDpkg('', '0a')).toBe(-1);
  });
});

/** Exit status of `dpkg args…` (0 true, 1 false, 2 refused). */
async function dpkgStatus(args: string[]): Promise<number> {
  try {
    await execFileAsync('dpkg', args);
    return 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
}

/** The real dpkg's answer: -1, 0, 1, or 'refused' when it rejects either version. */
async function realDpkg(a: string, b: string): Promise<number | 'refused'> {
  const lt = await dpkgStatus(['--compare-versions', '--', a, 'lt', b]);
  if (lt !== 1) return lt === 0 ? -1 : 'refused';
  return (await dpkgStatus(['--compare-versions', '--', a, 'eq', b])) === 0 ? 0 : 1;
}

/** Mostly well-formed Debian versions, some with warnings, some that dpkg refuses. */
function dpkgVersions(): fc.Arbitrary<string> {
  const upstream = fc.tuple(fc.constantFrom('0', '1', '2', '9', '10', '007'), versionLike(['0', '1', '9', '10', '.', '+', '~', 'a', 'b', 'Z', 'rc', '-'], 5));
  const wellFormed = fc
    .tuple(fc.option(fc.constantFrom('0:', '1:', '2:', '10:'), { nil: '' }), upstream, fc.option(versionLike(['0', '1', '2', '.', '+', '~', 'b', 'deb12u'], 4), { nil: '' }))
    .map(([epoch, [first, rest], revision]) => `${epoch}${first}${rest}${revision === '' ? '' : `-${revision}`}`);
  const hostile = versionLike(['0', '1', '9', '.', '+', '~', '-', ':', '1:', 'a', 'Z', '_', 'é', ' ', 'ü', '😀'], 6);
  return fc.oneof({ weight: 4, arbitrary: wellFormed }, { weight: 1, arbitrary: hostile });
}

describe('compareDpkg against the real dpkg --compare-versions', () => {
  const pairs = fc.sample(versionPair(dpkgVersions()), { seed: SEED, numRuns: 300 });

  it('agrees on every generated pair, and dpkg refuses exactly what parseDpkgVersion rejects', async () => {
    const answers = await mapPool(pairs, 32, ([a, b]) => realDpkg(a, b));
    let refused = 0;
    pairs.forEach(([a, b], i) => {
      const expected = answers[i];
      const rejected = [a, b].some((v) => {
        const parsed = parseDpkgVersion(v);
        return v !== '' && !parsed.ok && parsed.severity === 'error';
      });
      expect({ a, b, refused: expected === 'refused' }).toEqual({ a, b, refused: rejected });
      if (expected === 'refused') refused++;
      else expect({ a, b, cmp: compareDpkg(a, b) }).toEqual({ a, b, cmp: expected });
    });
    // The sample must exercise both paths, and mostly the comparison.
    expect(refused).toBeGreaterThan(10);
    expect(pairs.length - refused).toBeGreaterThan(200);
  }, 120_000);
});
