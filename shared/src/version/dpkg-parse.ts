import { isAsciiAlnum, isAsciiDigit } from './ordering.js';

/**
 * Debian version syntax, `[epoch:]upstream[-revision]`, read the way dpkg's `parseversion()`
 * (lib/dpkg/parsehelp.c, dpkg 1.21) reads it, with dpkg's own messages.
 *
 * dpkg has two classes of problem. Errors ("epoch in version is not number", embedded spaces, …)
 * make `dpkg --compare-versions` refuse the version. Warnings ("version number does not start
 * with digit", "invalid character in version number", …) are printed, and dpkg then compares the
 * version as parsed anyway. Both make the version invalid for Debian policy.
 */
export interface DpkgVersion {
  /** 0 when absent; dpkg limits it to INT_MAX. */
  epoch: number;
  upstream: string;
  /** '' when absent (native package). */
  revision: string;
}

export type DpkgParseResult =
  | { ok: true; version: DpkgVersion }
  /** dpkg warns but still compares `version`. */
  | { ok: false; severity: 'warning'; reason: string; at: number; version: DpkgVersion }
  /** dpkg refuses the version. */
  | { ok: false; severity: 'error'; reason: string; at: number };

export interface DpkgProblem {
  severity: 'error' | 'warning';
  /** dpkg's own wording. */
  reason: string;
  /** Index in the input (UTF-16 units) where the problem is. */
  at: number;
}

/** The parts dpkg compares; `epoch` is its decimal digits without leading zeros. */
export interface DpkgParts {
  epoch: string;
  upstream: string;
  revision: string;
}

const INT_MAX = '2147483647';
const UPSTREAM_EXTRA = '.-+~:';
const REVISION_EXTRA = '.+~';

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
/** C `isspace` in the C locale, which `strtol` skips. */
const isCSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);

/**
 * Splits like dpkg and reports dpkg's first problem, if any. Never fails: after an error the
 * split goes on leniently (an epoch dpkg would reject stays part of the text), so that even
 * versions dpkg refuses get a deterministic place in the order.
 */
export function scanDpkgVersion(input: string): { parts: DpkgParts; problem?: DpkgProblem } {
  let problem: DpkgProblem | undefined;
  const report = (severity: DpkgProblem['severity'], reason: string, at: number): void => {
    problem ??= { severity, reason, at };
  };
  let start = 0;
  while (isBlank(input[start])) start++;
  let stop = input.length;
  while (stop > start && isBlank(input[stop - 1])) stop--;
  if (start === stop) {
    report('error', 'version string is empty', 0);
    return { parts: { epoch: '0', upstream: '', revision: '' }, problem };
  }
  for (let i = start; i < stop; i++) {
    if (isBlank(input[i])) {
      report('error', 'version string has embedded spaces', i);
      break;
    }
  }

  let epoch = '0';
  let rest = start;
  const colon = input.indexOf(':', start);
  if (colon >= 0 && colon < stop) {
    const parsed = strtolPrefix(input, start, colon);
    if (parsed.kind === 'empty') report('error', 'epoch in version is empty', start);
    else if (parsed.kind === 'not-number') report('error', 'epoch in version is not number', parsed.end);
    else if (parsed.negative) report('error', 'epoch in version is negative', start);
    else {
      if (compareDecimal(parsed.digits, INT_MAX) > 0) report('error', 'epoch in version is too big', start);
      if (colon + 1 === stop) report('error', 'nothing after colon in version number', colon);
      epoch = parsed.digits;
      rest = colon + 1;
    }
  }

  const text = input.slice(rest, stop);
  const hyphen = text.lastIndexOf('-');
  const upstream = hyphen >= 0 ? text.slice(0, hyphen) : text;
  const revision = hyphen >= 0 ? text.slice(hyphen + 1) : '';
  if (hyphen >= 0 && revision === '') report('error', 'revision number is empty', rest + hyphen);
  if (upstream === '') report('error', 'version number is empty', rest);
  else if (!isAsciiDigit(upstream.charCodeAt(0))) report('warning', 'version number does not start with digit', rest);
  const badUpstream = firstInvalid(upstream, 1, UPSTREAM_EXTRA);
  if (badUpstream >= 0) report('warning', 'invalid character in version number', rest + badUpstream);
  const badRevision = firstInvalid(revision, 0, REVISION_EXTRA);
  if (badRevision >= 0) report('warning', 'invalid character in revision number', rest + hyphen + 1 + badRevision);
  return { parts: { epoch, upstream, revision }, problem };
}

/** Parses a Debian version; see {@link DpkgParseResult}. Never throws. */
export function parseDpkgVersion(input: string): DpkgParseResult {
  const { parts, problem } = scanDpkgVersion(input);
  if (problem?.severity === 'error') return { ok: false, ...problem, severity: 'error' };
  const version: DpkgVersion = { epoch: Number(parts.epoch), upstream: parts.upstream, revision: parts.revision };
  if (problem) return { ok: false, ...problem, severity: 'warning', version };
  return { ok: true, version };
}

function firstInvalid(text: string, from: number, extra: string): number {
  for (let i = from; i < text.length; i++) {
    if (!isAsciiAlnum(text.charCodeAt(i)) && !extra.includes(text.charAt(i))) return i;
  }
  return -1;
}

type StrtolResult =
  | { kind: 'empty' }
  | { kind: 'not-number'; end: number }
  | { kind: 'number'; digits: string; negative: boolean };

/** C `strtol(s, &end, 10)` on input[from..], asked whether it stops exactly at `colon`. */
function strtolPrefix(input: string, from: number, colon: number): StrtolResult {
  let i = from;
  while (i < colon && isCSpace(input[i])) i++;
  let negative = false;
  if (input[i] === '+' || input[i] === '-') negative = input[i++] === '-';
  const digitsStart = i;
  while (isAsciiDigit(input.charCodeAt(i))) i++;
  if (i === digitsStart) return { kind: 'empty' };
  if (i !== colon) return { kind: 'not-number', end: i };
  const digits = input.slice(digitsStart, i).replace(/^0+(?=.)/, '');
  return { kind: 'number', digits, negative: negative && digits !== '0' };
}

function compareDecimal(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
