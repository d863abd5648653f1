import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyString, SEED, versionLike, versionPair, versionTriple } from './__tests__/arbitraries.js';
import { compareVersions, VERSION_SCHEMES } from './index.js';
import type { VersionScheme } from './index.js';

/** Pieces that exercise each scheme's rules (separators, markers, epochs, revisions). */
const PIECES: Record<VersionScheme, readonly string[]> = {
  dpkg: ['0', '1', '2', '10', '01', '.', '+', '~', '-', ':', '1:', 'a', 'b', 'Z', 'é', '_'],
  rpm: ['0', '1', '2', '10', '01', '.', '_', '~', '^', '-', '1:', 'a', 'b', 'rc', 'é'],
  apk: ['0', '1', '2', '10', '01', '.', 'a', 'b', '_rc', '_p', '_alpha', '_git', '~ab12', '-r', '-r1', '.0', 'x'],
  pacman: ['0', '1', '2', '10', '01', '.', '..', '_', '~', '-', '1:', 'a', 'b', 'rc', 'é'],
  generic: ['0', '1', '2', '10', '01', '.', '-', '_', '+', 'v', 'a', 'b', 'rc', 'beta', 'dev', 'alpha', 'X', ' '],
};

const RUNS = { seed: SEED, numRuns: 2000 };

describe.each(VERSION_SCHEMES)('%s: a total order that never throws', (scheme) => {
  const cmp = (a: string, b: string): number => compareVersions(scheme, a, b);
  const version = fc.oneof(versionLike(PIECES[scheme]), anyString);

  it('never throws, and answers -1, 0 or 1, on hostile strings', () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        expect([-1, 0, 1]).toContain(cmp(a, b));
      }),
      RUNS,
    );
  });

  it('is reflexive', () => {
    fc.assert(fc.property(version, (a) => cmp(a, a) === 0 && cmp(a, `${a}`) === 0), RUNS);
  });

  it('is antisymmetric', () => {
    fc.assert(fc.property(versionPair(version), ([a, b]) => cmp(a, b) === -cmp(b, a)), RUNS);
  });

  it('is transitive on triples', () => {
    fc.assert(
      fc.property(versionTriple(version), ([a, b, c]) => {
        const ab = cmp(a, b);
        const bc = cmp(b, c);
        if (ab <= 0 && bc <= 0) expect(cmp(a, c)).toBeLessThanOrEqual(0);
        if (ab >= 0 && bc >= 0) expect(cmp(a, c)).toBeGreaterThanOrEqual(0);
        if (ab === 0 && bc === 0) expect(cmp(a, c)).toBe(0);
      }),
      RUNS,
    );
  });

  it('sorts consistently: after sorting, no earlier element is greater than a later one', () => {
    fc.assert(
      fc.property(fc.array(versionLike(PIECES[scheme], 5), { minLength: 2, maxLength: 40 }), (list) => {
        const sorted = [...list].sort(cmp);
        for (let i = 0; i < sorted.length; i++) {
          for (let j = i + 1; j < sorted.length; j++) expect(cmp(sorted[i] ?? '', sorted[j] ?? '')).toBeLessThanOrEqual(0);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('compares digit runs beyond Number.MAX_SAFE_INTEGER exactly', () => {
    // Number('9007199254740993') === Number('9007199254740992'): a float comparison would say equal.
    expect(cmp('1.9007199254740993', '1.9007199254740992')).toBe(1);
    expect(cmp('9007199254740993', '9007199254740992')).toBe(1);
    const huge = '9'.repeat(500);
    expect(cmp(`1.${huge}`, `1.1${'0'.repeat(500)}`)).toBe(-1);
    expect(cmp(`1.${huge}9`, `1.${huge}`)).toBe(1);
    expect(cmp(`${huge}`, `${huge}`)).toBe(0);
  });
});
