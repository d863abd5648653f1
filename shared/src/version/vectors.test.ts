import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkApkVersion, compareApk, isValidApkVersion, matchApkVersion } from './apk.js';
import { compareDpkg, parseDpkgVersion } from './dpkg.js';
import { compareRpm, rpmvercmp } from './rpm.js';

/** Rows of a fixture TSV (header dropped), every column kept as text. */
function rows(name: string): string[][] {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  const lines = text.split('\n').filter((line) => line !== '');
  expect(lines.length).toBeGreaterThan(1);
  return lines.slice(1).map((line) => line.split('\t'));
}

const col = (row: string[], i: number): string => row[i] ?? '';

describe('dpkg vectors (dpkg scripts/t/Dpkg_Version.t, re-checked with dpkg 1.21.22)', () => {
  const vectors = rows('dpkg-version-vectors.tsv');
  it('has every row of the fixture', () => expect(vectors).toHaveLength(29));
  it.each(vectors)('%s vs %s is %s', (a, b, expected, verified) => {
    expect(verified).toBe('ok');
    expect(compareDpkg(a, b)).toBe(Number(expected));
    expect(compareDpkg(b, a)).toBe(-Number(expected) || 0);
    expect(parseDpkgVersion(a).ok && parseDpkgVersion(b).ok).toBe(true);
  });
});

describe('rpm vectors (rpm tests/rpmvercmp.at)', () => {
  const vectors = rows('rpm-rpmvercmp-vectors.tsv');
  it('has every row of the fixture', () => expect(vectors).toHaveLength(63));
  it.each(vectors)('rpmvercmp(%s, %s) is %s', (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(Number(expected));
    // Without ':' or '-' an EVR is its version, so the full comparison agrees.
    expect(compareRpm(a, b)).toBe(Number(expected));
  });
});

describe('apk vectors (apk-tools test/unit/version.data)', () => {
  const vectors = rows('apk-version-vectors.tsv');
  const ordered = vectors.filter((row) => col(row, 2) !== '');
  const fuzzy = vectors.filter((row) => col(row, 2) === '');
  it('has every row of the fixture', () => {
    expect(vectors).toHaveLength(564);
    expect(fuzzy).toHaveLength(11);
  });
  it.each(ordered)('%s vs %s is %s (%s)', (a, b, expected, op) => {
    expect(compareApk(a, b)).toBe(Number(expected));
    expect(compareApk(b, a)).toBe(-Number(expected) || 0);
    expect(matchApkVersion(a, op, b)).toBe(true);
  });
  it.each(fuzzy)('%s %s %s (fuzzy)', (a, b, _expected, op) => {
    const negated = op.startsWith('!');
    expect(matchApkVersion(a, negated ? op.slice(1) : op, b)).toBe(!negated);
  });
});

describe('apk validity vectors (apk-tools test/unit/version.data)', () => {
  const vectors = rows('apk-version-validity.tsv');
  it('has every row of the fixture', () => expect(vectors).toHaveLength(31));
  it.each(vectors)('%j is %s', (version, validity) => {
    expect(isValidApkVersion(version)).toBe(validity === 'valid');
    const check = checkApkVersion(version);
    if (!check.ok) expect(check.reason).not.toBe('');
  });
});
