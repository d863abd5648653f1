/** Result of every version comparison: a < b, a = b, a > b (like `Array.prototype.sort` wants). */
export type Comparison = -1 | 0 | 1;

/** Sign of a number as a Comparison. */
export function sign(n: number): Comparison {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Plain code-unit order (C `strcmp`/`memcmp` order for ASCII text): shorter prefix first. */
export function compareText(a: string, b: string): Comparison {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isAsciiDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

export function isAsciiAlpha(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));
}

export function isAsciiAlnum(c: number | undefined): boolean {
  return isAsciiDigit(c) || isAsciiAlpha(c);
}

function stripLeadingZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 0x30) i++;
  return digits.slice(i);
}

/**
 * Compares two runs of ASCII digits by numeric value. Works on the text (leading zeros dropped,
 * then longer is larger, then digit by digit), so a run of any length compares exactly:
 * nothing goes through `Number`, which loses precision above 2^53. An empty run counts as 0.
 */
export function compareDigitRuns(a: string, b: string): Comparison {
  const x = stripLeadingZeros(a === '' ? '0' : a);
  const y = stripLeadingZeros(b === '' ? '0' : b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareText(x, y);
}

/** Length of `s.slice(from, to)` once encoded as UTF-8 (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(s: string, from = 0, to = s.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
