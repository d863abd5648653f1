import { scanDpkgVersion } from './dpkg-parse.js';
import type { DpkgParts } from './dpkg-parse.js';
import { compareDigitRuns, sign } from './ordering.js';
import type { Comparison } from './ordering.js';

export { parseDpkgVersion, scanDpkgVersion } from './dpkg-parse.js';
export type { DpkgParseResult, DpkgParts, DpkgProblem, DpkgVersion } from './dpkg-parse.js';

/**
 * Debian version order, as `dpkg --compare-versions` (lib/dpkg/version.c `dpkg_version_compare`
 * and `verrevcmp`): epoch numerically, then upstream, then revision. Upstream and revision are
 * compared as alternating non-digit and digit runs: non-digit runs character by character where
 * `~` sorts before everything (even the end), then the end, then letters, then everything else;
 * digit runs by numeric value (of any length, compared as text).
 *
 * The comparison runs over UTF-8 bytes with amd64's signed `char`, as dpkg does, so even versions
 * dpkg only warns about (non-ASCII, `_`) order exactly as there. Versions dpkg refuses with an
 * error still get a deterministic place (see `scanDpkgVersion`); `''` is the blank version, as in
 * `dpkg --compare-versions '' lt 1`. Never throws.
 */
export function compareDpkg(a: string, b: string): Comparison {
  if (a === b) return 0;
  return compareDpkgParts(scanDpkgVersion(a).parts, scanDpkgVersion(b).parts);
}

export function compareDpkgParts(a: DpkgParts, b: DpkgParts): Comparison {
  const epoch = compareDigitRuns(a.epoch, b.epoch);
  if (epoch !== 0) return epoch;
  const upstream = verrevcmp(a.upstream, b.upstream);
  if (upstream !== 0) return upstream;
  return verrevcmp(a.revision, b.revision);
}

const encoder = new TextEncoder();
const TILDE = 0x7e;

const isDigit = (c: number | undefined): c is number => c !== undefined && c >= 0x30 && c <= 0x39;

/** dpkg's `order()`: the end and digits 0, `~` -1, letters themselves, others +256 (signed char). */
function order(c: number | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return c;
  if (c === TILDE) return -1;
  // A byte >= 0x80 is a negative `char` on amd64: (c - 256) + 256.
  return c >= 0x80 ? c : c + 256;
}

/** dpkg's `verrevcmp` over the UTF-8 bytes of both strings. */
export function verrevcmp(left: string, right: string): Comparison {
  if (left === right) return 0;
  const a = encoder.encode(left);
  const b = encoder.encode(right);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff = order(a[i]) - order(b[j]);
      if (diff !== 0) return sign(diff);
      i++;
      j++;
    }
    while (a[i] === 0x30) i++;
    while (b[j] === 0x30) j++;
    let firstDiff = 0;
    for (let ai = a[i], bj = b[j]; isDigit(ai) && isDigit(bj); ai = a[++i], bj = b[++j]) {
      if (firstDiff === 0) firstDiff = ai - bj;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff !== 0) return sign(firstDiff);
  }
  return 0;
}
