import { describe, expect, it } from 'vitest';
import { checkApkVersion, compareApk, isValidApkVersion, matchApkVersion } from './apk.js';

describe('compareApk', () => {
  it('orders suffixes, letters, hashes and revisions as apk-tools does', () => {
    const ascending = [
      '1.0_alpha',
      '1.0_alpha1',
      '1.0_beta',
      '1.0_pre2',
      '1.0_rc1',
      '1.0',
      '1.0-r1',
      '1.0_cvs',
      '1.0_git20240101',
      '1.0_p1',
      '1.0a',
      '1.0b',
      '1.0.1',
    ];
    for (let i = 0; i + 1 < ascending.length; i++) expect([ascending[i], compareApk(ascending[i] ?? '', ascending[i + 1] ?? '')]).toEqual([ascending[i], -1]);
  });

  it('compares dotted numbers with a leading zero as text, like Gentoo', () => {
    expect(compareApk('1.01', '1.1')).toBe(-1);
    expect(compareApk('1.01', '1.001')).toBe(1);
    expect(compareApk('1.2', '1.10')).toBe(-1);
    // The first number is always numeric.
    expect(compareApk('01.2', '1.2')).toBe(0);
  });

  it('orders commit hashes as text and then the revision', () => {
    expect(compareApk('1.0~abc-r1', '1.0~abd-r0')).toBe(-1);
    expect(compareApk('1.0~abc-r2', '1.0~abc-r10')).toBe(-1);
    expect(compareApk('1.0~abc', '1.0')).toBe(1);
  });

  it('ignores an invalid tail and sorts the point where it starts below a valid end', () => {
    expect(compareApk('1.0!', '1.0')).toBe(-1);
    // 'b' is a valid letter; only the 'c' after it is invalid.
    expect(compareApk('1.0bc', '1.0')).toBe(1);
    expect(compareApk('1.0bc', '1.0b')).toBe(-1);
    expect(compareApk('1.0!x', '1.0!y')).toBe(0);
    expect(compareApk('foo', 'bar')).toBe(0);
    expect(compareApk('foo', '0')).toBe(-1);
  });

  it('puts the empty version first', () => {
    expect(compareApk('', 'foo')).toBe(-1);
    expect(compareApk('1', '')).toBe(1);
    expect(compareApk('', '')).toBe(0);
  });

  it('compares numbers of any size exactly (apk-tools would wrap at 2^64)', () => {
    expect(compareApk('18446744073709551617', '18446744073709551616')).toBe(1);
    expect(compareApk('1.0-r18446744073709551617', '1.0-r1')).toBe(1);
  });
});

describe('checkApkVersion', () => {
  it.each([
    ['', 'a version must start with a digit', 0],
    ['a1', 'a version must start with a digit', 0],
    ['1.0ab', "letter 'b' may only follow a number", 4],
    ['1.0a1', "digit '1' may not follow a letter", 4],
    ['1.', "'.' must be followed by digits", 2],
    ['1.0_foo', "unknown suffix '_foo' (expected _alpha _beta _pre _rc _cvs _svn _git _hg _p)", 3],
    ['1.0_constructor', "unknown suffix '_constructor' (expected _alpha _beta _pre _rc _cvs _svn _git _hg _p)", 3],
    ['1.0~', "'~' must be followed by a lowercase hex commit hash", 3],
    ['1.0~ABC', "'~' must be followed by a lowercase hex commit hash", 3],
    ['1.0-1', "'-' must be followed by 'r' and a number", 3],
    ['1.0-r', "'-r' must be followed by a number", 5],
    ['1.0-r1-r2', "'-rN' may appear only once, at the end", 6],
    ['1.0-r1_p1', "'_suffix' must come before '~hash' and '-rN'", 6],
    ['1.0 ', "unexpected character ' '", 3],
    ['1.0😀', "unexpected character '😀'", 3],
  ])('rejects %j: %s', (version, reason, at) => {
    expect(checkApkVersion(version)).toEqual({ ok: false, reason, at });
    expect(isValidApkVersion(version)).toBe(false);
  });

  it('accepts the full grammar', () => {
    expect(checkApkVersion('1.2.3b_rc1_p2~a1b2c3-r4')).toEqual({ ok: true });
  });
});

describe('matchApkVersion', () => {
  it('applies apk dependency operators', () => {
    expect(matchApkVersion('1.2', '<', '1.3')).toBe(true);
    expect(matchApkVersion('1.3', '<=', '1.3')).toBe(true);
    expect(matchApkVersion('1.3', '>', '1.3')).toBe(false);
    expect(matchApkVersion('1.3', '>=', '1.3')).toBe(true);
    expect(matchApkVersion('1.3', '=', '1.3-r0')).toBe(false);
  });

  it('treats ~ as a prefix match', () => {
    expect(matchApkVersion('3.6.9', '~', '3.6')).toBe(true);
    expect(matchApkVersion('3.6', '~', '3.6.9')).toBe(false);
    expect(matchApkVersion('3.7', '<~', '3.6')).toBe(false);
    expect(matchApkVersion('3.5.1', '<~', '3.6')).toBe(true);
  });

  it('matches nothing for an operator apk would not parse', () => {
    expect(matchApkVersion('1', '=>!', '1')).toBe(false);
    expect(matchApkVersion('1', '', '1')).toBe(false);
  });
});
