import { compareDigitRuns, compareText, isAsciiAlnum, isAsciiAlpha, isAsciiDigit } from './ordering.js';
import type { Comparison } from './ordering.js';

/** `[epoch:]version[-release]` split the way rpm's `parseEVR()` (rpmio/rpmver.c) splits it. */
export interface RpmEvr {
  /** Leading digits before `:`, `'0'` for a bare `:`; null when there is no epoch. */
  epoch: string | null;
  version: string;
  /** After the last `-`; null when there is none. */
  release: string | null;
}

const TILDE = 0x7e;
const CARET = 0x5e;

/**
 * rpm's `rpmvercmp()` (rpmio/rpmvercmp.c, rpm >= 4.15) on one version or release string.
 *
 * Both strings are cut into maximal runs of ASCII digits or ASCII letters; every other character
 * only separates (so `1.0` = `1_0` = `1..0`). Runs are compared in turn: digit runs by value (any
 * length), letter runs by `strcmp`, and a digit run beats a letter run. `~` sorts before
 * everything, the end of the string included (`1.0~rc1` < `1.0`); `^` sorts after the end but
 * before any further run (`1.0` < `1.0^git1` < `1.0.1`). When one string runs out, the other wins.
 * Never throws.
 */
export function rpmvercmp(a: string, b: string): Comparison {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    i = skipSeparators(a, i);
    j = skipSeparators(b, j);
    const ca = charAt(a, i);
    const cb = charAt(b, j);
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      if (ca === undefined) return -1;
      if (cb === undefined) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === undefined || cb === undefined) break;
    const numeric = isAsciiDigit(ca);
    const inRun = numeric ? isAsciiDigit : isAsciiAlpha;
    const ei = runEnd(a, i, inRun);
    const ej = runEnd(b, j, inRun);
    // Runs of different kinds: the digit run is newer.
    if (ej === j) return numeric ? 1 : -1;
    const rc = numeric ? compareDigitRuns(a.slice(i, ei), b.slice(j, ej)) : compareText(a.slice(i, ei), b.slice(j, ej));
    if (rc !== 0) return rc;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Splits `[epoch:]version[-release]` exactly as rpm does; never fails. */
export function parseRpmEvr(evr: string): RpmEvr {
  let s = 0;
  while (isAsciiDigit(evr.charCodeAt(s))) s++;
  const hyphen = evr.lastIndexOf('-');
  const hasEpoch = evr[s] === ':';
  const versionStart = hasEpoch ? s + 1 : 0;
  const release = hyphen >= versionStart ? evr.slice(hyphen + 1) : null;
  return {
    epoch: hasEpoch ? evr.slice(0, s) || '0' : null,
    version: evr.slice(versionStart, release === null ? evr.length : hyphen),
    release,
  };
}

/**
 * Full EVR order as rpm >= 4.16's `rpm.vercmp()` / `rpmverCmp()`: epoch (absent = 0), then
 * version, then release, each with {@link rpmvercmp}. An absent release counts as empty, so
 * `1.0` < `1.0-1` (as rpm 4.18's `rpm.vercmp` answers; dependency matching, where an absent
 * release matches any, is a different question). Never throws.
 */
export function compareRpm(a: string, b: string): Comparison {
  if (a === b) return 0;
  const x = parseRpmEvr(a);
  const y = parseRpmEvr(b);
  return (
    rpmvercmp(x.epoch ?? '0', y.epoch ?? '0') ||
    rpmvercmp(x.version, y.version) ||
    rpmvercmp(x.release ?? '', y.release ?? '')
  );
}

function charAt(s: string, i: number): number | undefined {
  return i < s.length ? s.charCodeAt(i) : undefined;
}

function skipSeparators(s: string, i: number): number {
  let k = i;
  while (k < s.length) {
    const c = s.charCodeAt(k);
    if (isAsciiAlnum(c) || c === TILDE || c === CARET) break;
    k++;
  }
  return k;
}

function runEnd(s: string, from: number, inRun: (c: number | undefined) => boolean): number {
  let k = from;
  while (k < s.length && inRun(s.charCodeAt(k))) k++;
  return k;
}
