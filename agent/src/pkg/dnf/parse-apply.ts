import type { ErrorCode } from '@patchwave/shared';
import type { ParseOutcome } from '../parse-outcome.js';
import { findScriptletFailures, type ScriptletFailure } from '../rpmdb/scriptlets.js';

export type { ScriptletFailure } from '../rpmdb/scriptlets.js';

/** What a dnf/yum run said about itself, beyond its exit code. */
export interface RpmRunReport {
  /** The run's stable error code, when its output names a known failure. */
  errorCode?: ErrorCode;
  /** The line that decided `errorCode`. */
  message?: string;
  scriptlets: ScriptletFailure[];
  /** Arguments the tool could not match (`No match for argument: foo`). */
  notFound: string[];
  complete: boolean;
  nothingToDo: boolean;
}

/** Run-level failures, most specific first. */
const RULES: { re: RegExp; code: ErrorCode }[] = [
  { re: /(Another app is currently holding the yum lock|Failed to obtain rpm transaction lock|can't create transaction lock on|Waiting for process with pid \d+ to finish|transaction lock.*(?:in progress|held))/i, code: 'E_PKG_LOCKED' },
  { re: /(Error downloading packages|Cannot download|Curl error|Failed to download metadata for repo|Cannot retrieve repository metadata|Cannot find a valid baseurl|Downloading successful, but checksum doesn't match|Failed to download packages)/i, code: 'E_PKG_DOWNLOAD_FAILED' },
  { re: /(Transaction check error|conflicts with file from package|file \S+ from install of \S+ conflicts|^\s*Problem( \d+)?: |nothing provides|Error: Package: .* Requires:|package .* requires .*, but none of the providers can be installed)/im, code: 'E_PKG_CONFLICT' },
  { re: /(No match for argument|Unable to find a match|No package .* available|Package .* available, but not installed)/i, code: 'E_PKG_NOT_FOUND' },
  { re: /No packages marked for (upgrade|update|downgrade)/i, code: 'E_PKG_NO_UPDATE' },
  { re: /(GPG check FAILED|Public key for .* is not installed|signature could not be verified)/i, code: 'E_PKG_FAILED' },
  { re: /(Error: Transaction failed|Transaction failed|^Error: )/im, code: 'E_PKG_FAILED' },
];

/**
 * Reads what `dnf -y …` / `yum -y …` printed (stdout and stderr together) and names what went
 * wrong: scriptlet failures by package (see findScriptletFailures), a held lock, download and dependency failures,
 * unmatched arguments. Needs the exit code beside it: dnf4 exits 0 after a failed %post.
 */
export function parseRpmRun(text: string): ParseOutcome<RpmRunReport> {
  const notFound: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    let m = /(?:No match for argument|Unable to find a match):?\s+(\S+)/.exec(line);
    if (m?.[1]) notFound.push(m[1]);
    m = /^Package (\S+) available, but not installed\.?$/.exec(line.trim());
    if (m?.[1]) notFound.push(m[1]);
  }
  const report: RpmRunReport = {
    scriptlets: findScriptletFailures(text),
    notFound: [...new Set(notFound)],
    complete: /^Complete!$/m.test(text) || /^Transaction complete\.?$/im.test(text),
    nothingToDo: /^Nothing to do\.?$/m.test(text) || /No packages marked for (update|upgrade)/.test(text),
  };
  const fatalScript = report.scriptlets.find((s) => s.fatal) ?? report.scriptlets[0];
  if (fatalScript) {
    report.errorCode = 'E_PKG_SCRIPT_FAILED';
    report.message = fatalScript.message;
  } else {
    for (const rule of RULES) {
      const hit = rule.re.exec(text);
      if (hit) {
        report.errorCode = rule.code;
        const start = text.lastIndexOf('\n', hit.index) + 1;
        const end = text.indexOf('\n', hit.index);
        report.message = text.slice(start, end === -1 ? undefined : end).trim().slice(0, 500);
        break;
      }
    }
  }
  return { value: report, problems: [] };
}
