import type { AvailableUpdate, ErrorCode, InstalledPackage } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { CHOCO_ID, CHOCO_VERSION } from './names.js';

/*
 * Pure parsers for Chocolatey's limited output (`-r`): pipe-separated fields, one package a line.
 * Older versions print header and summary lines even with -r (see fixtures/choco-outdated.*):
 * only lines that are exactly a row are read, and a line is a problem only when it has the shape
 * of a row (pipes, no spaces) but not its content. None of these functions throws.
 */

function rows(text: string): { fields: string[]; line: number; raw: string }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((raw, i) => ({ raw: raw.trim(), line: i + 1 }))
    .filter((r) => r.raw.includes('|') && !/\s/.test(r.raw))
    .map((r) => ({ ...r, fields: r.raw.split('|') }));
}

function badRow(line: number, raw: string, why: string): ParseProblem {
  return { line, message: `${why}: ${JSON.stringify(raw.slice(0, 120))}` };
}

/** `choco list -r` (v2) / `choco list --local-only -r` (v1): `id|version`. */
export function parseChocoList(text: string): ParseOutcome<InstalledPackage[]> {
  const value: InstalledPackage[] = [];
  const problems: ParseProblem[] = [];
  for (const r of rows(text)) {
    const [id = '', version = ''] = r.fields;
    if (r.fields.length !== 2) problems.push(badRow(r.line, r.raw, 'expected id|version'));
    else if (!CHOCO_ID.test(id) || !CHOCO_VERSION.test(version)) problems.push(badRow(r.line, r.raw, 'not a package id and version'));
    else value.push({ manager: 'choco', name: id, version, arch: '' });
  }
  return { value, problems };
}

export interface ChocoOutdated {
  updates: AvailableUpdate[];
  /** Pinned packages with a newer version (listed by old choco versions despite --ignore-pinned). */
  pinned: string[];
}

/** `choco outdated -r --ignore-pinned`: `id|current|available|pinned`. */
export function parseChocoOutdated(text: string): ParseOutcome<ChocoOutdated> {
  const updates: AvailableUpdate[] = [];
  const pinned: string[] = [];
  const problems: ParseProblem[] = [];
  for (const r of rows(text)) {
    const [id = '', current = '', available = '', pin = ''] = r.fields;
    if (r.fields.length !== 4) {
      problems.push(badRow(r.line, r.raw, 'expected id|current|available|pinned'));
    } else if (!CHOCO_ID.test(id) || !CHOCO_VERSION.test(current) || !CHOCO_VERSION.test(available) || !/^(?:true|false)$/i.test(pin)) {
      problems.push(badRow(r.line, r.raw, 'not an outdated-package row'));
    } else if (current === available) {
      // choco before 0.10 listed every package, outdated or not.
    } else if (pin.toLowerCase() === 'true') {
      pinned.push(id);
    } else {
      updates.push({
        manager: 'choco',
        name: id,
        arch: '',
        installedVersion: current,
        candidateVersion: available,
        security: 'unknown',
        advisories: [],
        cves: [],
      });
    }
  }
  return { value: { updates, pinned }, problems };
}

/** `choco --version`: `2.2.2` (older: `Chocolatey v0.10.15` on the first line). */
export function parseChocoVersion(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^(?:Chocolatey v)?(\d+\.\d+(?:\.\d+)*(?:[-+][A-Za-z0-9.+-]+)?)\s*$/.exec(line.trim());
    if (m) return m[1];
  }
  return undefined;
}

export interface ChocoVerdict {
  ok: boolean;
  rebootRequired: boolean;
  code?: ErrorCode;
  message?: string;
}

/** Signed 32-bit: Windows reports choco's -1 as 4294967295 to some callers. */
export function signedExitCode(code: number): number {
  return code | 0;
}

/** Known lines in choco's output that say why a run failed (checked when the exit code is an error). */
const OUTPUT_CAUSES: { pattern: RegExp; code: ErrorCode }[] = [
  { pattern: /is not installed\. Cannot (?:upgrade|uninstall) a non-existent package|was not found with the source\(s\) listed|Unable to find package/i, code: 'E_PKG_NOT_FOUND' },
  { pattern: /Unable to obtain lock file access|another (?:installation|chocolatey process) is (?:already )?in progress|ERROR_INSTALL_ALREADY_RUNNING|exit code was '1618'/i, code: 'E_PKG_LOCKED' },
  { pattern: /is pinned|pinned package/i, code: 'E_PKG_CONFLICT' },
  { pattern: /Checksum for .* did not meet|The remote server returned an error|Unable to connect to the remote server|remote name could not be resolved|could not (?:download|be downloaded)|The operation has timed out/i, code: 'E_PKG_DOWNLOAD_FAILED' },
  { pattern: /Exit code was '-?\d+'|chocolatey(?:Before)?(?:Install|Uninstall|Upgrade)\.ps1|installer .* (?:failed|was not successful)/i, code: 'E_PKG_SCRIPT_FAILED' },
];

/** The first output line naming an error, for the operator. */
function errorLine(output: string): string | undefined {
  return output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => /^ERROR|error|not installed|not found|pinned|lock/i.test(l));
}

/**
 * What choco's exit code (and, for errors, its output) means (the exit codes in `choco upgrade
 * -?`): 0 success; 3010 success, reboot required; 1641 success, reboot initiated; 350 pending
 * reboot detected, nothing done; 1604 install suspended, incomplete; -1 or 1 an error;
 * `uninstall` adds 1605 (not installed) and 1614 (already uninstalled).
 */
export function chocoVerdict(exitCode: number, output: string, command: 'upgrade' | 'uninstall' = 'upgrade'): ChocoVerdict {
  const code = signedExitCode(exitCode);
  if (code === 0) return { ok: true, rebootRequired: false };
  if (code === 3010) return { ok: true, rebootRequired: true, message: 'success, reboot required (3010)' };
  if (code === 1641) return { ok: true, rebootRequired: true, message: 'success, reboot initiated (1641)' };
  if (command === 'uninstall' && (code === 1605 || code === 1614)) return { ok: true, rebootRequired: false, message: `not installed (${code})` };
  if (code === 350) return { ok: false, rebootRequired: true, code: 'E_PKG_RETRY', message: 'pending reboot detected, no action has occurred (350): reboot, then retry' };
  if (code === 1604) return { ok: false, rebootRequired: false, code: 'E_PKG_FAILED', message: 'install suspended, incomplete (1604)' };
  const cause = OUTPUT_CAUSES.find((c) => c.pattern.test(output));
  const line = errorLine(output);
  return {
    ok: false,
    rebootRequired: false,
    code: cause?.code ?? 'E_PKG_FAILED',
    message: `choco exited with ${code}${line ? `: ${line.slice(0, 300)}` : ''}`,
  };
}

/** Parses `choco upgrade`/`uninstall` output for `patchwave-agent parse choco apply`: what it says went wrong. */
export function parseChocoApply(text: string): ParseOutcome<{ code?: ErrorCode; line?: string }> {
  const cause = OUTPUT_CAUSES.find((c) => c.pattern.test(text));
  const line = errorLine(text);
  return { value: { ...(cause ? { code: cause.code } : {}), ...(line ? { line } : {}) }, problems: [] };
}
