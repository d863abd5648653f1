import { compareDigitRuns, compareText, isAsciiAlnum, isAsciiAlpha, isAsciiDigit, utf8Length } from './ordering.js';
import type { Comparison } from './ordering.js';

/**
 * pacman's version order: libalpm's `alpm_pkg_vercmp()` (lib/libalpm/version.c, pacman 6), the
 * `vercmp` tool. It started as a copy of rpm's and has since diverged, which is why it is a
 * scheme of its own:
 * - `~` and `^` are plain separators (rpm gives them meaning): `1.0~rc1` > `1.0` here.
 * - When one string runs out, a remaining letter run loses: `1.0a` < `1.0` (rpm: greater).
 * - Separators count: the side with fewer separator bytes before a run is older: `1.0` < `1..0`.
 * - The epoch is 0 when absent, and compared like the rest.
 */
export function pacmanVercmp(a: string, b: string): Comparison {
  if (a === b) return 0;
  let one = 0;
  let two = 0;
  let end1 = 0;
  let end2 = 0;
  while (one < a.length && two < b.length) {
    one = skipSeparators(a, one);
    two = skipSeparators(b, two);
    if (one >= a.length || two >= b.length) break;
    // Separator runs of different lengths (in bytes, as C counts them) decide.
    const sep1 = utf8Length(a, end1, one);
    const sep2 = utf8Length(b, end2, two);
    if (sep1 !== sep2) return sep1 < sep2 ? -1 : 1;
    const numeric = isAsciiDigit(a.charCodeAt(one));
    const inRun = numeric ? isAsciiDigit : isAsciiAlpha;
    end1 = runEnd(a, one, inRun);
    end2 = runEnd(b, two, inRun);
    if (end2 === two) return numeric ? 1 : -1;
    const rc = numeric ? compareDigitRuns(a.slice(one, end1), b.slice(two, end2)) : compareText(a.slice(one, end1), b.slice(two, end2));
    if (rc !== 0) return rc;
    one = end1;
    two = end2;
  }
  if (one >= a.length && two >= b.length) return 0;
  // What is left decides: a letter run left over loses, anything else left over wins.
  const c1 = one < a.length ? a.charCodeAt(one) : undefined;
  const c2 = two < b.length ? b.charCodeAt(two) : undefined;
  if ((c1 === undefined && !isAsciiAlpha(c2)) || isAsciiAlpha(c1)) return -1;
  return 1;
}

/** `[epoch:]version[-pkgrel]` as alpm's `parseEVR()` splits it: epoch `'0'` when absent. */
export function parsePacmanVersion(evr: string): { epoch: string; version: string; release: string | null } {
  let s = 0;
  while (isAsciiDigit(evr.charCodeAt(s))) s++;
  const hyphen = evr.lastIndexOf('-');
  const hasEpoch = evr[s] === ':';
  const versionStart = hasEpoch ? s + 1 : 0;
  const release = hyphen >= versionStart ? evr.slice(hyphen + 1) : null;
  return {
    epoch: hasEpoch ? evr.slice(0, s) || '0' : '0',
    version: evr.slice(versionStart, release === null ? evr.length : hyphen),
    release,
  };
}

/**
 * Full `[epoch:]version[-pkgrel]` order, as `vercmp`, made total by two deliberate differences
 * that only touch versions pacman never reports:
 * - alpm skips the pkgrel when only one side has one (`vercmp 1.0 1.0-1` is 0, a wildcard meant
 *   for dependencies), which is not transitive (`1.0-1` = `1.0` = `1.0-2`). Here an absent pkgrel
 *   sorts before any pkgrel.
 * - alpm weighs separators at the very start or end of a part in a way that is not transitive
 *   either (real `vercmp`: `0` < `.a0` < `.` < `0`). Here they are ignored. Between two parts that
 *   start and end with a letter or digit, `vercmp` is a total order, and this is exactly it.
 * Never throws.
 */
export function comparePacman(a: string, b: string): Comparison {
  if (a === b) return 0;
  const x = parsePacmanVersion(a);
  const y = parsePacmanVersion(b);
  const rc = pacmanVercmp(x.epoch, y.epoch) || pacmanVercmp(trimSeparators(x.version), trimSeparators(y.version));
  if (rc !== 0) return rc;
  if (x.release === null || y.release === null) return x.release === y.release ? 0 : x.release === null ? -1 : 1;
  return pacmanVercmp(trimSeparators(x.release), trimSeparators(y.release));
}

/** Drops non-alphanumeric characters at both ends. */
export function trimSeparators(part: string): string {
  let start = 0;
  let end = part.length;
  while (start < end && !isAsciiAlnum(part.charCodeAt(start))) start++;
  while (end > start && !isAsciiAlnum(part.charCodeAt(end - 1))) end--;
  return part.slice(start, end);
}

function skipSeparators(s: string, i: number): number {
  let k = i;
  while (k < s.length && !isAsciiAlnum(s.charCodeAt(k))) k++;
  return k;
}

function runEnd(s: string, from: number, inRun: (c: number | undefined) => boolean): number {
  let k = from;
  while (k < s.length && inRun(s.charCodeAt(k))) k++;
  return k;
}
