import type { AvailableUpdate, ErrorCode, InstalledPackage } from '@patchwave/shared';
import type { PlannedChangeKind } from '../package-manager.js';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';

/*
 * Pure parsers for apk-tools output (formats in README.md). None of them throws.
 */

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/**
 * Splits `name-version` the way apk-tools does (`apk_pkg_parse_name`): from the end, the first `-`
 * followed by a digit starts the version, stepping over at most one other `-` (the `-r0` part).
 * `ca-certificates-bundle-20240226-r0` → `ca-certificates-bundle` + `20240226-r0`.
 */
export function splitApkNameVersion(value: string): { name: string; version: string } | undefined {
  let dashes = 0;
  for (let i = value.length - 2; i >= 0; i--) {
    if (value[i] !== '-') continue;
    const next = value.charCodeAt(i + 1);
    if (next >= 0x30 && next <= 0x39) {
      if (i === 0) return undefined;
      return { name: value.slice(0, i), version: value.slice(i + 1) };
    }
    if (++dashes >= 2) return undefined;
  }
  return undefined;
}

const NOISE = /^(?:WARNING|NOTE|fetch)\b/;

/** `apk list --installed`: `name-ver arch {origin} (license) [installed]`, one package a line. */
export function parseApkInstalled(text: string): ParseOutcome<InstalledPackage[]> {
  const value: InstalledPackage[] = [];
  const problems: ParseProblem[] = [];
  lines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || NOISE.test(line)) return;
    const m = /^(\S+) (\S+) \{([^}]*)\} \((.*)\) \[(?:installed|upgradable from: \S+)\]$/.exec(line);
    const nv = m ? splitApkNameVersion(m[1] ?? '') : undefined;
    if (!m || !nv) {
      problems.push({ line: i + 1, message: `not an apk list line: ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    const origin = m[3] ?? '';
    value.push({
      manager: 'apk',
      name: nv.name,
      version: nv.version,
      arch: m[2] ?? '',
      ...(origin && origin !== nv.name ? { source: { name: origin, version: nv.version } } : {}),
    });
  });
  return { value, problems };
}

/**
 * `apk version -l '<'`: a header `Installed: … Available:` then `name-ver  < newver [tag]`. The
 * arch is not printed; `archOf` supplies it from the installed list so keys match the inventory.
 */
export function parseApkVersionList(text: string, archOf: (name: string) => string = () => ''): ParseOutcome<AvailableUpdate[]> {
  const value: AvailableUpdate[] = [];
  const problems: ParseProblem[] = [];
  const seen = new Set<string>();
  lines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || NOISE.test(line) || /^Installed:\s+Available:$/.test(line)) return;
    const m = /^(\S+)\s+([<>=?])\s+(\S+)(?:\s+(\S+))?$/.exec(line);
    const nv = m ? splitApkNameVersion(m[1] ?? '') : undefined;
    if (!m || !nv) {
      problems.push({ line: i + 1, message: `not an apk version line: ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    if (m[2] !== '<' || seen.has(nv.name)) return;
    seen.add(nv.name);
    const tag = m[4];
    value.push({
      manager: 'apk',
      name: nv.name,
      arch: archOf(nv.name),
      installedVersion: nv.version,
      candidateVersion: m[3] ?? '',
      security: 'unknown',
      advisories: [],
      cves: [],
      ...(tag ? { origin: tag } : {}),
    });
  });
  return { value, problems };
}

export interface ApkChange {
  kind: PlannedChangeKind;
  name: string;
  /** Repository tag the package comes from (`a@testing`), when apk prints one. */
  tag?: string;
  from: string | null;
  to: string | null;
}

export interface ApkFailure {
  code: ErrorCode;
  message: string;
  /** Packages the failure names, when apk says which. */
  packages: string[];
}

export interface ApkRun {
  changes: ApkChange[];
  failures: ApkFailure[];
  /** apk printed its final `OK:` line. */
  completed: boolean;
}

const VERBS: Record<string, PlannedChangeKind> = {
  Installing: 'install',
  Upgrading: 'upgrade',
  Downgrading: 'downgrade',
  Purging: 'remove',
  Replacing: 'reinstall',
  'Re-installing': 'reinstall',
  'Updating pinning': 'reinstall',
};

function splitTag(name: string): { name: string; tag?: string } {
  const at = name.indexOf('@');
  return at > 0 ? { name: name.slice(0, at), tag: name.slice(at + 1) } : { name };
}

/** Classifies one `ERROR:` line (apk-tools database.c / commit.c / io_url messages). */
export function classifyApkError(message: string): ErrorCode {
  if (/unable to lock database/i.test(message)) {
    return /permission denied|read-only file system/i.test(message) ? 'E_PKG_FAILED' : 'E_PKG_LOCKED';
  }
  if (/script exited with error|failed to execute/i.test(message)) return 'E_PKG_SCRIPT_FAILED';
  if (/network error|temporary error|DNS lookup|fetch|could not connect|timed out|No such file or directory.*https?:/i.test(message)) {
    return 'E_PKG_DOWNLOAD_FAILED';
  }
  if (/UNTRUSTED signature|BAD signature|checksum/i.test(message)) return 'E_PKG_DOWNLOAD_FAILED';
  return 'E_PKG_FAILED';
}

/**
 * The output of a committing apk run (`add`, `upgrade`, with or without `--simulate`):
 * `(1/2) Upgrading b (1 -> 2)` per change, `ERROR:` lines, the solver's `unable to select
 * packages:` block, and a final `OK: …` line when the run completed.
 */
export function parseApkRun(text: string): ParseOutcome<ApkRun> {
  const changes: ApkChange[] = [];
  const failures: ApkFailure[] = [];
  const problems: ParseProblem[] = [];
  let completed = false;
  let solver: ApkFailure | undefined;
  lines(text).forEach((raw, i) => {
    const line = raw.trimEnd();
    if (!line.trim()) return;
    const step = /^\(\s*\d+\/\d+\)\s+(Installing|Upgrading|Downgrading|Purging|Replacing|Re-installing|Updating pinning)\s+(\S+)\s+\((.*)\)$/.exec(line);
    if (step) {
      solver = undefined;
      const kind = VERBS[step[1] ?? ''] ?? 'upgrade';
      const versions = (step[3] ?? '').split(' -> ');
      const { name, tag } = splitTag(step[2] ?? '');
      const single = versions[0] ?? '';
      const [from, to] =
        versions.length === 2 ? [versions[0] ?? null, versions[1] ?? null] : kind === 'install' ? [null, single] : kind === 'remove' ? [single, null] : [single, single];
      changes.push({ kind, name, ...(tag ? { tag } : {}), from, to });
      return;
    }
    if (/^OK: /.test(line)) {
      completed = true;
      solver = undefined;
      return;
    }
    const err = /^ERROR: (.*)$/.exec(line);
    if (err) {
      const message = err[1] ?? '';
      if (/^unable to select packages:?$/.test(message)) {
        solver = { code: 'E_PKG_CONFLICT', message: 'unable to select packages', packages: [] };
        failures.push(solver);
        return;
      }
      solver = undefined;
      const pkg = /^([^\s:]+?)(?:\.(?:pre|post)-(?:install|upgrade|deinstall)|\.trigger)?: /.exec(message)?.[1];
      const nv = pkg ? splitApkNameVersion(pkg) : undefined;
      failures.push({ code: classifyApkError(message), message, packages: nv ? [nv.name] : [] });
      return;
    }
    if (solver && /^\s+/.test(line)) {
      // "  foo (no such package):" / "  b-2:" followed by deeper-indented reasons.
      const entry = /^ {2}(\S+?)(?: \(([^)]*)\))?:$/.exec(line);
      if (entry) {
        const name = entry[1] ?? '';
        const nv = splitApkNameVersion(name);
        solver.packages.push(splitTag(nv ? nv.name : name).name);
        if (entry[2] === 'no such package') solver.code = 'E_PKG_NOT_FOUND';
      }
      solver.message += `; ${line.trim()}`;
      return;
    }
    if (/^(?:WARNING|NOTE|Preupgrading:|fetch |Executing |The following packages|\s)/.test(line) || /^\d+ errors?;/.test(line)) return;
    problems.push({ line: i + 1, message: `unexpected apk output: ${JSON.stringify(line.slice(0, 120))}` });
  });
  return { value: { changes, failures, completed }, problems };
}

/**
 * Whether the running kernel (`uname -r`, e.g. `6.6.31-0-lts`) is older than the installed kernel
 * package of the same flavour (`linux-lts` 6.6.31-r0 → release `6.6.31-0-lts`). `unknown` when no
 * kernel package of that flavour is installed (containers, custom kernels).
 */
export function apkKernelReboot(unameR: string, installed: readonly InstalledPackage[]): { required: boolean | 'unknown'; reason?: string } {
  const running = unameR.trim();
  const m = /^(.+)-(\d+)-([A-Za-z0-9]+)$/.exec(running);
  if (!m) return { required: 'unknown', reason: `running kernel ${JSON.stringify(running.slice(0, 80))} is not an Alpine kernel release` };
  const flavor = m[3] ?? '';
  const pkg = installed.find((p) => p.name === `linux-${flavor}`);
  if (!pkg) return { required: 'unknown', reason: `no linux-${flavor} package installed` };
  const v = /^(.+)-r(\d+)$/.exec(pkg.version);
  if (!v) return { required: 'unknown', reason: `linux-${flavor} version ${pkg.version} has no -r revision` };
  const release = `${v[1]}-${v[2]}-${flavor}`;
  return release === running
    ? { required: false }
    : { required: true, reason: `running kernel ${running} but linux-${flavor} ${pkg.version} (${release}) is installed` };
}
