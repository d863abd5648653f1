import { ApkTokenizer, SUFFIX_NONE, TOKEN } from './apk-tokens.js';
import type { ApkToken } from './apk-tokens.js';
import { compareDigitRuns, compareText } from './ordering.js';
import type { Comparison } from './ordering.js';

/**
 * Alpine's version order, as apk-tools 3 (src/version.c `apk_version_compare`):
 * `1.2.3b_rc1_p2~a1b2c3-r4` is numbers, one letter, suffixes, a commit hash, a package revision.
 * Tokens are compared in turn while both versions have the same kind: numbers by value, except
 * that a dotted number with a leading zero on either side compares as text (`1.01` < `1.1`);
 * letters by character; suffixes by rank (`_alpha` < `_beta` < `_pre` < `_rc` < none < `_cvs`
 * < `_svn` < `_git` < `_hg` < `_p`); hashes as text. Where the kinds differ, a pre-release suffix
 * is older, else the version whose next token is of the higher kind is older (so `1.0` < `1.0.1`,
 * `1.0_rc1` < `1.0`, `1.0` < `1.0_p1`, `1.0` < `1.0-r1`).
 *
 * As in apk, whatever follows the first invalid character is ignored, and that point sorts below
 * a valid end (`1.0!` < `1.0`, `1.0bc` < `1.0b` but > `1.0`); versions that are invalid from the
 * first character compare equal to each other. Two
 * deliberate differences: numbers never wrap (apk reads them into a uint64), and the empty string,
 * which apk treats as matching everything, sorts below every other version. Never throws.
 */
export function compareApk(a: string, b: string): Comparison {
  if (a === b) return 0;
  if (a === '' || b === '') return a === '' ? -1 : 1;
  return compareTokens(a, b, false);
}

/** Why `version` is not a valid apk version, and where; or ok. Never throws. */
export function checkApkVersion(version: string): { ok: true } | { ok: false; reason: string; at: number } {
  const tokens = new ApkTokenizer(version);
  let token = tokens.first();
  while (token.kind < TOKEN.END) token = tokens.next();
  if (token.kind === TOKEN.END) return { ok: true };
  return { ok: false, reason: token.reason ?? 'invalid version', at: token.at };
}

/** apk-tools' `apk_version_validate`. */
export function isValidApkVersion(version: string): boolean {
  return checkApkVersion(version).ok;
}

const LESS = 2;
const EQUAL = 1;
const GREATER = 4;
const FUZZY = 8;
const ANY = LESS | EQUAL | GREATER;

/**
 * apk's dependency operators (`apk_version_match`): `<`, `<=`, `=`, `>=`, `>`, and the fuzzy `~`
 * (also `<~`, `>~`), which treats `b` as a prefix: `3.6.9 ~ 3.6` holds, `3.8.1 ~ 3.8.0` does not.
 * An operator apk would not parse matches nothing. Never throws.
 */
export function matchApkVersion(a: string, op: string, b: string): boolean {
  const mask = operatorMask(op);
  if ((mask & ANY) === ANY) return true;
  if (mask === 0) return false;
  // apk treats an empty version as "unknown": it satisfies every comparison.
  if (a === '' || b === '') return a === b ? (mask & EQUAL) !== 0 : true;
  const rc = compareTokens(a, b, (mask & FUZZY) !== 0);
  return (mask & (rc < 0 ? LESS : rc > 0 ? GREATER : EQUAL)) !== 0;
}

function operatorMask(op: string): number {
  let mask = 0;
  for (const ch of op) {
    if (ch === '<') mask |= LESS;
    else if (ch === '>') mask |= GREATER;
    else if (ch === '=') mask |= EQUAL;
    else if (ch === '~') mask |= FUZZY | EQUAL;
    else return 0;
  }
  return mask;
}

function compareTokens(a: string, b: string, fuzzy: boolean): Comparison {
  const ia = new ApkTokenizer(a);
  const ib = new ApkTokenizer(b);
  let ta = ia.first();
  let tb = ib.first();
  while (ta.kind === tb.kind && ta.kind < TOKEN.END) {
    const rc = compareToken(ta, tb);
    if (rc !== 0) return rc;
    ta = ia.next();
    tb = ib.next();
  }
  if (ta.kind === tb.kind) return 0;
  if (fuzzy && tb.kind === TOKEN.END) return 0;
  if (ta.kind === TOKEN.SUFFIX && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.kind === TOKEN.SUFFIX && tb.suffix < SUFFIX_NONE) return 1;
  return ta.kind > tb.kind ? -1 : 1;
}

/** apk's `token_cmp` for two tokens of the same kind. */
function compareToken(a: ApkToken, b: ApkToken): Comparison {
  switch (a.kind) {
    case TOKEN.DIGIT:
      // A leading zero on either side: plain text order, as Gentoo does (1.01 < 1.1 < 1.10).
      if (a.value.startsWith('0') || b.value.startsWith('0')) return compareText(a.value, b.value);
      return compareDigitRuns(a.value, b.value);
    case TOKEN.INITIAL_DIGIT:
    case TOKEN.SUFFIX_NO:
    case TOKEN.REVISION_NO:
      return compareDigitRuns(a.value, b.value);
    case TOKEN.LETTER:
      return compareText(a.value, b.value);
    case TOKEN.SUFFIX:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      return compareText(a.value, b.value);
  }
}
