import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEED, versionLike, versionPair } from './__tests__/arbitraries.js';
import { mapPool } from './__tests__/pool.js';
import { comparePacman, pacmanVercmp, parsePacmanVersion } from './pacman.js';
import { compareRpm } from './rpm.js';

const execFileAsync = promisify(execFile);

describe('comparePacman', () => {
  it('differs from rpm where libalpm differs', () => {
    expect(comparePacman('1.0~rc1', '1.0')).toBe(1);
    expect(compareRpm('1.0~rc1', '1.0')).toBe(-1);
    expect(comparePacman('1.0a', '1.0')).toBe(-1);
    expect(compareRpm('1.0a', '1.0')).toBe(1);
    expect(comparePacman('1..0', '1.0')).toBe(1);
    expect(compareRpm('1..0', '1.0')).toBe(0);
  });

  it('orders epochs, versions and pkgrels', () => {
    const ascending = ['1.0a-1', '1.0-1', '1.0-2', '1.0.1-1', '1.0.1-1.1', '2:0.1-1'];
    for (let i = 0; i + 1 < ascending.length; i++) expect(comparePacman(ascending[i] ?? '', ascending[i + 1] ?? '')).toBe(-1);
  });

  it('sorts an absent pkgrel first instead of matching any (which would not be transitive)', () => {
    expect(comparePacman('1.0', '1.0-1')).toBe(-1);
    expect(comparePacman('1.0-1', '1.0')).toBe(1);
    expect(comparePacman('1.0', '1.0')).toBe(0);
  });

  it('splits like alpm', () => {
    expect(parsePacmanVersion('1.0')).toEqual({ epoch: '0', version: '1.0', release: null });
    expect(parsePacmanVersion('3:1.0-2-1')).toEqual({ epoch: '3', version: '1.0-2', release: '1' });
    expect(parsePacmanVersion(':1.0')).toEqual({ epoch: '0', version: '1.0', release: null });
  });
});

async function realVercmp(a: string, b: string): Promise<number> {
  const { stdout } = await execFileAsync('vercmp', [a, b], { encoding: 'utf8' });
  return Number(stdout.trim());
}

/** Parts as makepkg allows them: starting and ending with a letter or digit. */
const cleanPart = fc
  .tuple(
    fc.constantFrom('0', '1', '2', '10', '007', 'a', 'r'),
    versionLike(['0', '1', '2', '10', '.', '..', '_', '+', '~', 'a', 'b', 'rc', 'git', 'é'], 5),
    fc.constantFrom('0', '1', '9', 'a', 'z'),
  )
  .map(([first, middle, last]) => first + middle + last);

describe('pacman against the real vercmp (libalpm)', () => {
  it('pacmanVercmp agrees on every generated pair, stray separators included', async () => {
    const raw = versionLike(['0', '1', '2', '10', '007', '.', '..', '_', '+', '~', '^', 'a', 'b', 'rc', 'é', ' '], 7);
    const pairs = fc.sample(versionPair(raw), { seed: SEED, numRuns: 250 }).filter(([a, b]) => !`${a}${b}`.includes('-') && !`${a}${b}`.includes(':'));
    expect(pairs.length).toBeGreaterThan(200);
    const answers = await mapPool(pairs, 32, ([a, b]) => realVercmp(a, b));
    pairs.forEach(([a, b], i) => expect({ a, b, cmp: pacmanVercmp(a, b) }).toEqual({ a, b, cmp: answers[i] }));
  }, 120_000);

  it('comparePacman agrees on full versions (both with a pkgrel, or both without)', async () => {
    const full = fc
      .tuple(fc.constantFrom('', '', '1:', '2:'), cleanPart, fc.option(fc.constantFrom('1', '2', '10', '1.1'), { nil: null }))
      .map(([epoch, version, rel]) => `${epoch}${version}${rel === null ? '' : `-${rel}`}`);
    const pairs = fc
      .sample(versionPair(full), { seed: SEED, numRuns: 250 })
      .filter(([a, b]) => (parsePacmanVersion(a).release === null) === (parsePacmanVersion(b).release === null));
    expect(pairs.length).toBeGreaterThan(150);
    const answers = await mapPool(pairs, 32, ([a, b]) => realVercmp(a, b));
    pairs.forEach(([a, b], i) => expect({ a, b, cmp: comparePacman(a, b) }).toEqual({ a, b, cmp: answers[i] }));
    expect(answers.filter((r) => r === 0).length).toBeGreaterThan(10);
  }, 120_000);
});
