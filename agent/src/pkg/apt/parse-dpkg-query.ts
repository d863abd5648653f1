import { LIMITS, type InstalledPackage } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { splitArchQualifier } from './names.js';

/** The dpkg-query format the adapter asks for: tab separated, one package per line. */
export const DPKG_QUERY_FORMAT = '${binary:Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\t${source:Package}\\t${source:Version}\\n';

/** A package dpkg knows but that is not cleanly installed (half-configured, unpacked, reinst-required …). */
export interface UnsettledPackage {
  name: string;
  arch: string;
  version: string;
  /** dpkg's three-letter abbreviation, e.g. `iF ` (half-configured) or `iU ` (unpacked). */
  status: string;
  state: string;
}

export interface DpkgQueryResult {
  packages: InstalledPackage[];
  unsettled: UnsettledPackage[];
}

const CURRENT_STATE: Record<string, string> = {
  n: 'not-installed',
  c: 'config-files',
  H: 'half-installed',
  U: 'unpacked',
  F: 'half-configured',
  W: 'triggers-awaited',
  t: 'triggers-pending',
  i: 'installed',
};

/**
 * Reads `dpkg-query -W -f='${binary:Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\t${source:Package}\t${source:Version}\n'`.
 * A package counts as installed when its current state is `i` (installed) and it is wanted
 * (`ii`, or `hi` when held with apt-mark hold): `rc` (config files only), `un` and packages in the
 * middle of an install (`iU`, `iF`, …) are not; those in between are returned as `unsettled`.
 * Extra trailing fields (e.g. `${Installed-Size}`) are ignored.
 */
export function parseDpkgQuery(text: string): ParseOutcome<DpkgQueryResult> {
  const packages: InstalledPackage[] = [];
  const unsettled: UnsettledPackage[] = [];
  const problems: ParseProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const fields = line.split('\t');
    const [binary = '', version = '', arch = '', status = '', srcName = '', srcVersion = ''] = fields;
    if (fields.length < 4) {
      problems.push({ line: index + 1, message: `expected at least 4 tab-separated fields, got ${fields.length}` });
      return;
    }
    const { name, arch: qualifier } = splitArchQualifier(binary);
    if (!name || name.length > LIMITS.packageName || version.length > LIMITS.version || arch.length > LIMITS.arch) {
      problems.push({ line: index + 1, message: 'package name, version or architecture is empty or too long' });
      return;
    }
    if (!/^[uihrp][ncHUFWti][ R]$/.test(status.padEnd(3, ' '))) {
      problems.push({ line: index + 1, message: `unknown dpkg status ${JSON.stringify(status)}` });
      return;
    }
    const desired = status[0] ?? '';
    const current = status[1] ?? '';
    const realArch = arch || qualifier || '';
    if (current === 'i' && (desired === 'i' || desired === 'h')) {
      const pkg: InstalledPackage = { manager: 'apt', name, version, arch: realArch };
      if (srcName && srcName.length <= LIMITS.packageName) {
        pkg.source = srcVersion && srcVersion.length <= LIMITS.version ? { name: srcName, version: srcVersion } : { name: srcName };
      }
      packages.push(pkg);
      if (status[2] === 'R') unsettled.push({ name, arch: realArch, version, status, state: 'reinst-required' });
    } else if (current !== 'n' && current !== 'c' && current !== 'i') {
      unsettled.push({ name, arch: realArch, version, status, state: CURRENT_STATE[current] ?? current });
    } else if (current === 'i') {
      // Installed but selected for removal or purge (`ri`, `pi`): on its way out, not counted.
      unsettled.push({ name, arch: realArch, version, status, state: desired === 'r' ? 'installed, marked for removal' : 'installed, marked for purge' });
    }
  });
  return { value: { packages, unsettled }, problems };
}
