import fc from 'fast-check';

/** Fixed seed: every run of the suite sees the same cases, and a failure names a reproducible one. */
export const SEED = 20261126;

/** Strings glued from version-ish pieces, so that ties, near ties and every syntax rule come up. */
export function versionLike(pieces: readonly string[], maxPieces = 8): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: maxPieces }).map((parts) => parts.join(''));
}

/** Rewrites that often keep a version equal under some scheme (and are near misses otherwise). */
export const RESPELLINGS: readonly ((v: string) => string)[] = [
  (v) => v.replaceAll('.', '_'),
  (v) => v.replaceAll('.', '..'),
  (v) => v.replace(/(\d+)/, '0$1'),
  (v) => (v.includes(':') ? v : `0:${v}`),
  (v) => `${v}.0`,
  (v) => `${v}-0`,
];

/**
 * Pairs of versions: independent ones, ones sharing a prefix (decided late), and one version next
 * to a respelling of itself (equal or nearly).
 */
export function versionPair(version: fc.Arbitrary<string>): fc.Arbitrary<[string, string]> {
  return fc.oneof(
    fc.tuple(version, version),
    fc.tuple(version, version, version).map(([prefix, x, y]): [string, string] => [prefix + x, prefix + y]),
    fc.tuple(version, fc.constantFrom(...RESPELLINGS)).map(([v, respell]): [string, string] => [v, respell(v)]),
  );
}

/** Three versions sharing a prefix, for transitivity. */
export function versionTriple(version: fc.Arbitrary<string>): fc.Arbitrary<[string, string, string]> {
  return fc.tuple(fc.option(version, { nil: '' }), version, version, version).map(([p, a, b, c]): [string, string, string] => [p + a, p + b, p + c]);
}

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Hostile input: any code points, any code units, huge digit runs, and mixtures of them. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.stringMatching(/^[0-9]{16,80}(\.[0-9]{16,80}){0,3}$/),
  versionLike(['0', '9', '00', '.', '-', ':', '~', '^', '_', '+', 'a', 'é', '\u0000', ' ', '\ud800', '😀', '99999999999999999999']),
);
