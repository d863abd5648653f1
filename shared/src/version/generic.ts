import { compareDigitRuns, compareText, isAsciiAlnum, isAsciiDigit } from './ordering.js';
import type { Comparison } from './ordering.js';

/*
 * The generic scheme, for managers without an order of their own that we could reproduce
 * (winget, choco, brew, softwareupdate, Windows Update). The same rules are in README.md.
 *
 *  1. Surrounding whitespace is trimmed; a leading `v`/`V` followed by a digit is dropped.
 *  2. Build metadata, from the first `+` on, is ignored (SemVer / NuGet): 1.2.3+abc = 1.2.3.
 *  3. A trailing `_N` (N digits, after at least one other character) is a Homebrew revision,
 *     compared last, numerically; absent = 0: 1.2.3 < 1.2.3_1 < 1.2.3_2 < 1.2.4.
 *  4. The rest is cut into tokens: runs of ASCII digits (numbers) and runs of other characters
 *     that are not separators (words). Separators are whitespace and every ASCII character other
 *     than a letter or digit, and are all alike: 1.2-3 = 1.2.3 (a trailing _3 is rule 3's).
 *     Words compare case-insensitively (ASCII), by UTF-16 code unit.
 *  5. Release = the leading numbers. Compared number by number, by value (any length, never via
 *     floating point), missing numbers counting as 0: 1.2 = 1.2.0 = 1.02 = 01.2.0.0 < 1.10.
 *  6. Qualifier = the tokens after the release. At each position a pre-release marker < the end
 *     < a number < a word; two markers compare by rank, numbers by value, words by text:
 *     1.0-alpha < 1.0-beta < 1.0-beta.2 < 1.0-rc1 < 1.0 < 1.0a < 1.0-hotfix < 1.0.1.
 *     Markers by rank: dev = snapshot = nightly < alpha < beta < pre = preview < rc. The single
 *     letters `a` and `b` are markers only when a number follows (1.0b2 is beta 2; 1.1.1w is the
 *     word "w", a post-release as OpenSSL uses it).
 *  7. The empty string (after rule 1) sorts below everything else. Never throws.
 *
 * Each rule yields a key and keys compare lexicographically, so the order is total: antisymmetric
 * and transitive, with different strings allowed to be equal (1.0 = 1.0.0 = V1.0).
 */

export type GenericToken = { kind: 'number'; digits: string } | { kind: 'word'; text: string } | { kind: 'pre'; rank: number; text: string };

export interface GenericVersion {
  /** Rule 5, trailing zeros dropped. */
  release: string[];
  /** Rule 6. */
  qualifier: GenericToken[];
  /** Rule 3 digits, '0' when absent. */
  revision: string;
  /** True for the empty version (rule 7). */
  empty: boolean;
}

const MARKERS = new Map<string, number>([
  ['dev', 0],
  ['snapshot', 0],
  ['nightly', 0],
  ['alpha', 1],
  ['beta', 2],
  ['pre', 3],
  ['preview', 3],
  ['rc', 4],
]);
const SHORT_MARKERS = new Map<string, number>([
  ['a', 1],
  ['b', 2],
]);

/** How the generic scheme reads a version (for explanations and tests). Never throws. */
export function parseGenericVersion(input: string): GenericVersion {
  let text = input.trim();
  if (/^[vV][0-9]/.test(text)) text = text.slice(1);
  const plus = text.indexOf('+');
  if (plus >= 0) text = text.slice(0, plus);
  let revision = '0';
  const underscore = text.lastIndexOf('_');
  if (underscore > 0 && /^[0-9]+$/.test(text.slice(underscore + 1))) {
    revision = text.slice(underscore + 1);
    text = text.slice(0, underscore);
  }
  const tokens = tokenize(text);
  let split = 0;
  while (tokens[split]?.kind === 'number') split++;
  const release = tokens.slice(0, split).map((t) => (t.kind === 'number' ? t.digits : '0'));
  while (release.length > 0 && compareDigitRuns(release[release.length - 1] ?? '0', '0') === 0) release.pop();
  return { release, qualifier: tokens.slice(split), revision, empty: input.trim() === '' };
}

/** Compares two versions with the generic scheme described above. Never throws. */
export function compareGeneric(a: string, b: string): Comparison {
  if (a === b) return 0;
  const x = parseGenericVersion(a);
  const y = parseGenericVersion(b);
  if (x.empty || y.empty) return x.empty === y.empty ? 0 : x.empty ? -1 : 1;
  return compareRelease(x.release, y.release) || compareQualifier(x.qualifier, y.qualifier) || compareDigitRuns(x.revision, y.revision);
}

function compareRelease(a: string[], b: string[]): Comparison {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const rc = compareDigitRuns(a[i] ?? '0', b[i] ?? '0');
    if (rc !== 0) return rc;
  }
  return 0;
}

function compareQualifier(a: GenericToken[], b: GenericToken[]): Comparison {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const rc = compareToken(a[i], b[i]);
    if (rc !== 0) return rc;
  }
  return 0;
}

/** Position rank: marker 0 < end 1 < number 2 < word 3. */
function rankOf(t: GenericToken | undefined): number {
  if (t === undefined) return 1;
  return t.kind === 'pre' ? 0 : t.kind === 'number' ? 2 : 3;
}

function compareToken(a: GenericToken | undefined, b: GenericToken | undefined): Comparison {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a === undefined || b === undefined) return 0;
  if (a.kind === 'pre' && b.kind === 'pre') return a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0;
  if (a.kind === 'number' && b.kind === 'number') return compareDigitRuns(a.digits, b.digits);
  if (a.kind === 'word' && b.kind === 'word') return compareText(a.text, b.text);
  return 0;
}

function isSeparator(c: number): boolean {
  return (c < 0x80 && !isAsciiAlnum(c)) || /\s/.test(String.fromCharCode(c));
}

function tokenize(text: string): GenericToken[] {
  const runs: { digits: boolean; text: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSeparator(c)) {
      i++;
      continue;
    }
    const digits = isAsciiDigit(c);
    const start = i;
    while (i < text.length && !isSeparator(text.charCodeAt(i)) && isAsciiDigit(text.charCodeAt(i)) === digits) i++;
    runs.push({ digits, text: text.slice(start, i) });
  }
  return runs.map((run, k): GenericToken => {
    if (run.digits) return { kind: 'number', digits: run.text };
    const word = run.text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    const rank = MARKERS.get(word) ?? (runs[k + 1]?.digits ? SHORT_MARKERS.get(word) : undefined);
    return rank === undefined ? { kind: 'word', text: word } : { kind: 'pre', rank, text: word };
  });
}
