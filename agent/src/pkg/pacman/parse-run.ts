import type { ErrorCode } from '@patchwave/shared';
import type { ParseOutcome } from '../parse-outcome.js';

export interface PacmanRunReport {
  errorCode?: ErrorCode;
  message?: string;
  /** Packages whose install scriptlet failed, when the output allows telling which (see below). */
  scriptletFailures: { name: string; message: string }[];
  /** Scriptlet failures pacman reported that cannot be tied to a package. */
  unattributedScriptletFailures: number;
  /** `error: target not found: x`. */
  notFound: string[];
  /** Packages pacman said it was upgrading, installing, downgrading or removing. */
  touched: string[];
}

const RULES: { re: RegExp; code: ErrorCode }[] = [
  { re: /(unable to lock database|could not lock database|failed to init transaction \(unable to lock)/, code: 'E_PKG_LOCKED' },
  { re: /error: target not found:/, code: 'E_PKG_NOT_FOUND' },
  { re: /(failed retrieving file|failed to synchronize all databases|download library error|failed to retrieve some files)/, code: 'E_PKG_DOWNLOAD_FAILED' },
  { re: /(conflicting files|exists in filesystem|are in conflict|unresolvable package conflicts|could not satisfy dependencies|unable to satisfy dependency|breaks dependency)/, code: 'E_PKG_CONFLICT' },
  { re: /(invalid or corrupted package|signature from .* is (unknown trust|invalid)|failed to commit transaction|failed to prepare transaction|^error: )/m, code: 'E_PKG_FAILED' },
];

/** Lines pacman itself prints around a transaction (not scriptlet output). */
const PACMAN_LINE = /^(:: |\(\s*\d+\/\d+\) |checking |loading package files|resolving dependencies|looking for conflicting|Packages \(\d+\)|Total (Download|Installed)|Net Upgrade|warning: |error: |downloading |[\w.+@-]+ downloading\.\.\.|running '|there is nothing to do|Optional dependencies for| {4}[\w.+@-]+: )/;

/**
 * Reads what `pacman -Syu --noconfirm` (or `-U`, `-R`) printed: stdout, then stderr. pacman
 * exits 0 when an install scriptlet fails and says only `error: command failed to execute
 * correctly` (on stderr, without a package name). It relays scriptlet output on stdout under the
 * `upgrading X...` line of the package running it, so: when as many packages printed scriptlet
 * output as scriptlets failed, those are the ones; otherwise the failures are counted but not
 * pinned on a package (never a guess).
 */
export function parsePacmanRun(text: string): ParseOutcome<PacmanRunReport> {
  const report: PacmanRunReport = { scriptletFailures: [], unattributedScriptletFailures: 0, notFound: [], touched: [] };
  const output = new Map<string, string[]>();
  let current: string | undefined;
  let failures = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    const step = /^(?:\(\s*\d+\/\d+\)\s+)?(upgrading|installing|downgrading|reinstalling|removing) (\S+?)(?:\.\.\.)?$/.exec(trimmed);
    if (step?.[2]) {
      current = step[2];
      report.touched.push(step[2]);
      continue;
    }
    if (/error: command failed to execute correctly/.test(line)) failures++;
    const nf = /error: target not found: (\S+)/.exec(line);
    if (nf?.[1]) report.notFound.push(nf[1]);
    if (current && trimmed && !PACMAN_LINE.test(line)) output.set(current, [...(output.get(current) ?? []), trimmed]);
  }
  report.touched = [...new Set(report.touched)];
  if (failures > 0 && output.size === failures) {
    report.scriptletFailures = [...output.entries()].map(([name, lines]) => ({ name, message: lines.slice(-3).join(' / ').slice(0, 500) }));
  } else {
    report.unattributedScriptletFailures = failures;
  }
  if (failures > 0) {
    report.errorCode = 'E_PKG_SCRIPT_FAILED';
    const first = report.scriptletFailures[0];
    report.message = first
      ? `install scriptlet of ${first.name} failed: ${first.message}`
      : `${failures} install scriptlet(s) failed; pacman does not say of which package`;
  } else {
    for (const rule of RULES) {
      const hit = rule.re.exec(text);
      if (!hit) continue;
      report.errorCode = rule.code;
      const start = text.lastIndexOf('\n', hit.index) + 1;
      const end = text.indexOf('\n', hit.index);
      report.message = text.slice(start, end === -1 ? undefined : end).trim().slice(0, 500);
      break;
    }
  }
  return { value: report, problems: [] };
}

/**
 * Reads `pacman -Qo <path>`: `<path> is owned by <pkg> <version>` or, for a path no package owns
 * (pacman 6 also says this for a path that does not exist), `error: No package owns <path>`;
 * older pacman says `failed to read file` for a missing path.
 */
export function parseOwner(text: string): ParseOutcome<{ owned: boolean | 'unknown'; owner?: string }> {
  const owned = /is owned by (\S+) (\S+)/.exec(text);
  if (owned?.[1]) return { value: { owned: true, owner: `${owned[1]} ${owned[2] ?? ''}`.trim() }, problems: [] };
  if (/No package owns|failed to read file|No such file or directory/.test(text)) return { value: { owned: false }, problems: [] };
  return { value: { owned: 'unknown' }, problems: text.trim() ? [{ message: `unexpected pacman -Qo answer: ${JSON.stringify(text.trim().slice(0, 120))}` }] : [] };
}
