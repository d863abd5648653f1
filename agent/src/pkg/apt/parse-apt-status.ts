import type { ErrorCode } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';

/** One line from `APT::Status-Fd`: `pmstatus:pkg:percent:text`, `pmerror:pkg:percent:text`, … */
export interface AptStatusLine {
  kind: 'pmstatus' | 'pmerror' | 'pmconffile' | 'dlstatus' | 'media-change';
  /** Package (pm*), item number (dlstatus) or medium. */
  subject: string;
  percent: number | null;
  text: string;
}

export interface AptStatus {
  lines: AptStatusLine[];
  /** `pmerror` lines: the dpkg error for each package that failed. */
  errors: { package: string; message: string }[];
}

/**
 * Reads the machine-readable progress apt writes to the status fd (apt's README.progress-reporting):
 * `pmstatus:<pkg>:<percent>:<text>`, `pmerror:<pkg|deb>:<percent>:<dpkg error>`,
 * `pmconffile:<conffile>:<percent>:<details>`, `dlstatus:<n>:<percent>:<text>`.
 */
export function parseAptStatus(text: string): ParseOutcome<AptStatus> {
  const value: AptStatus = { lines: [], errors: [] };
  const problems: ParseProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (!line) return;
    const m = /^(pmstatus|pmerror|pmconffile|dlstatus|media-change):([^:]*):([^:]*):(.*)$/.exec(line);
    if (!m) {
      problems.push({ line: index + 1, message: `unknown status line: ${line.slice(0, 200)}` });
      return;
    }
    const percent = Number.parseFloat(m[3] ?? '');
    const entry: AptStatusLine = {
      kind: m[1] as AptStatusLine['kind'],
      subject: m[2] ?? '',
      percent: Number.isFinite(percent) ? percent : null,
      text: m[4] ?? '',
    };
    value.lines.push(entry);
    if (entry.kind === 'pmerror') value.errors.push({ package: entry.subject, message: entry.text });
  });
  return { value, problems };
}

/** One package in `dpkg --audit` output with the state its section names. */
export interface AuditedPackage {
  name: string;
  state: string;
}

const AUDIT_SECTIONS: [RegExp, string][] = [
  [/only half configured/, 'half-configured'],
  [/unpacked but not yet configured/, 'unpacked'],
  [/only half installed/, 'half-installed'],
  [/awaiting processing of triggers/, 'triggers-awaited'],
  [/triggered/, 'triggers-pending'],
  [/missing the list control file/, 'missing-list'],
  [/missing the md5sums control file/, 'missing-md5sums'],
  [/architecture/, 'bad-architecture'],
  [/reinstall/, 'reinst-required'],
];

/**
 * Reads `dpkg --audit` (which exits 0 even when it lists broken packages): sections of prose
 * naming a state, each followed by ` <package> <description>` lines.
 */
export function parseDpkgAudit(text: string): ParseOutcome<AuditedPackage[]> {
  const found: AuditedPackage[] = [];
  const problems: ParseProblem[] = [];
  let header = '';
  let state: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      header = '';
      state = undefined;
      return;
    }
    if (line.startsWith(' ') && state) {
      const name = line.trim().split(/\s+/)[0] ?? '';
      if (name) found.push({ name, state });
      return;
    }
    if (line.startsWith(' ')) {
      problems.push({ line: index + 1, message: `package line outside a known section: ${line.slice(0, 200)}` });
      return;
    }
    header = `${header} ${line}`;
    state = AUDIT_SECTIONS.find(([re]) => re.test(header))?.[1] ?? (line.endsWith(':') ? 'unsettled' : undefined);
  });
  return { value: found, problems };
}

export interface AptFailure {
  code: ErrorCode;
  message: string;
  /** Whether running again later may succeed without anyone doing anything. */
  retryable: boolean;
}

/**
 * Gives a failed apt-get run (exit 100 covers every error) its stable code from what apt and dpkg
 * printed. Order matters: a lock explains everything after it; a maintainer script error explains
 * dpkg's generic "returned an error code".
 */
export function classifyAptFailure(output: string, status: AptStatus): AptFailure {
  const lines = output.split('\n').map((l) => l.replace(/\r$/, ''));
  const errors = lines.filter((l) => l.startsWith('E: ')).map((l) => l.slice(3));
  const first = (re: RegExp) => lines.find((l) => re.test(l));
  const lock = first(/^E: (Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock)/);
  if (lock) return { code: 'E_PKG_LOCKED', message: lock.slice(3), retryable: true };
  const pmerror = status.errors[0];
  if (pmerror) {
    const code: ErrorCode = /script subprocess returned error/.test(pmerror.message)
      ? 'E_PKG_SCRIPT_FAILED'
      : /trying to overwrite|conflicting packages/.test(pmerror.message)
        ? 'E_PKG_CONFLICT'
        : 'E_PKG_FAILED';
    return { code, message: `${pmerror.package}: ${pmerror.message}`, retryable: false };
  }
  const interrupted = first(/^E: dpkg was interrupted/);
  if (interrupted) return { code: 'E_PKG_HALF_CONFIGURED', message: interrupted.slice(3), retryable: false };
  const script = first(/(pre|post)-(installation|removal) script subprocess returned error exit status/);
  if (script) return { code: 'E_PKG_SCRIPT_FAILED', message: script.trim(), retryable: false };
  const notFound = errors.find((e) => /^Unable to locate package|^Version '.*' for '.*' was not found|^Package '.*' has no installation candidate/.test(e));
  if (notFound) return { code: 'E_PKG_NOT_FOUND', message: notFound, retryable: false };
  const fetch = errors.find((e) => /^Failed to fetch|^Unable to fetch some archives|^Some index files failed to download/.test(e));
  if (fetch) return { code: 'E_PKG_DOWNLOAD_FAILED', message: fetch, retryable: true };
  const broken = errors.find((e) => /unmet dependencies|Broken packages|held broken packages|conflicting/i.test(e));
  if (broken) return { code: 'E_PKG_CONFLICT', message: broken, retryable: false };
  const dpkgError = first(/^dpkg: error/);
  const message = dpkgError ?? errors[errors.length - 1] ?? lines.filter(Boolean).slice(-1)[0] ?? 'apt-get failed without a message';
  return { code: 'E_PKG_FAILED', message, retryable: false };
}

/** The `dpkg: error processing package …` line and the reason dpkg gave on the next line. */
export function dpkgErrorLines(output: string): string[] {
  const lines = output.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (/^dpkg: error processing/.test(line)) {
      const next = lines[i + 1];
      out.push(next && next.startsWith(' ') ? `${line.trim()} ${next.trim()}` : line.trim());
    }
  });
  return out;
}

export interface AptApplyReport {
  status: AptStatus;
  dpkgErrors: string[];
  failure: AptFailure | null;
  /** Packages dpkg finished configuring (`Setting up x (v)` in the output). */
  setUp: { name: string; version: string }[];
}

/**
 * `patchwave-agent parse apt apply`: reads the output of a real apply (stdout, stderr and status
 * fd lines, in any order or mixed in one file).
 */
export function parseAptApply(text: string): ParseOutcome<AptApplyReport> {
  const statusLines = text.split('\n').filter((l) => /^(pmstatus|pmerror|pmconffile|dlstatus|media-change):/.test(l));
  const status = parseAptStatus(statusLines.join('\n'));
  const setUp = [...text.matchAll(/^Setting up (\S+) \(([^)]*)\) \.\.\.$/gm)].map((m) => {
    const name = (m[1] ?? '').split(':')[0] ?? '';
    return { name, version: m[2] ?? '' };
  });
  const failed = /^E: |^dpkg: error|^pmerror:/m.test(text);
  return {
    value: {
      status: status.value,
      dpkgErrors: dpkgErrorLines(text),
      failure: failed ? classifyAptFailure(text, status.value) : null,
      setUp,
    },
    problems: status.problems,
  };
}
