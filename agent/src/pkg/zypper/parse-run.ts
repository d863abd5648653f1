import type { ErrorCode } from '@patchwave/shared';
import type { ParseOutcome } from '../parse-outcome.js';
import { findScriptletFailures, type ScriptletFailure } from '../rpmdb/scriptlets.js';
import { parseNevra } from '../rpmdb/nevra.js';

export interface ZypperRunReport {
  errorCode?: ErrorCode;
  message?: string;
  scriptlets: ScriptletFailure[];
  /** Packages zypper said failed to install (`Installation of X failed:`), by name. */
  failedPackages: string[];
  /** zypper asked to be run again (`affects the package manager itself`). */
  runAgain: boolean;
}

const RULES: { re: RegExp; code: ErrorCode }[] = [
  { re: /System management is locked by the application with pid/, code: 'E_PKG_LOCKED' },
  { re: /(No provider of '.+' found|Package '.+' not found|patch '.+' not found)/, code: 'E_PKG_NOT_FOUND' },
  { re: /(Problem retrieving files from|Download \(curl\) error|Failed to provide Package|Valid metadata not found)/, code: 'E_PKG_DOWNLOAD_FAILED' },
  { re: /(Problem: |nothing provides|conflicts with|File conflicts happen)/, code: 'E_PKG_CONFLICT' },
  { re: /(Installation of .+ failed|Problem occurred during or after installation or removal of packages|Removal of .+ failed)/, code: 'E_PKG_FAILED' },
];

/**
 * Reads what `zypper --non-interactive update|patch|install` printed: rpm scriptlet failures
 * (through rpm's own lines, which zypper passes on as `Additional rpm output:` or inside
 * `Installation of … failed:`), packages that failed, a held lock, missing packages, download
 * and dependency problems, and the `affects the package manager itself` warning.
 */
export function parseZypperRun(text: string): ParseOutcome<ZypperRunReport> {
  const rpm = { scriptlets: findScriptletFailures(text) };
  const failedPackages = [...text.matchAll(/Installation of (\S+) failed:/g)].map((m) => parseNevra(m[1] ?? '')?.name ?? m[1] ?? '').filter(Boolean);
  const report: ZypperRunReport = {
    scriptlets: rpm.scriptlets,
    failedPackages: [...new Set(failedPackages)],
    runAgain: /affects the package manager itself|Run this command once more/.test(text),
  };
  if (rpm.scriptlets.length > 0) {
    report.errorCode = 'E_PKG_SCRIPT_FAILED';
    report.message = (rpm.scriptlets.find((s) => s.fatal) ?? rpm.scriptlets[0])?.message;
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
