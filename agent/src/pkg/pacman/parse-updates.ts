import { LIMITS, type AvailableUpdate } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';

/**
 * Reads `pacman -Qu` and `checkupdates` (pacman-contrib): `name old -> new`, with ` [ignored]`
 * after packages held by IgnorePkg/IgnoreGroup (still listed: they are outstanding, even though
 * `pacman -Syu` will not install them). pacman has no security metadata, so every update says
 * `security: 'unknown'`. `pacman -Qu` exits 1 and `checkupdates` 2 when there is nothing.
 */
export function parsePacmanUpdates(text: string): ParseOutcome<AvailableUpdate[]> {
  const value: AvailableUpdate[] = [];
  const problems: ParseProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    if (!line || /^==> /.test(line)) return;
    const m = /^(\S+) (\S+) -> (\S+)( \[ignored\])?$/.exec(line);
    if (!m?.[1] || !m[2] || !m[3] || m[1].length > LIMITS.packageName || m[3].length > LIMITS.version) {
      problems.push({ line: index + 1, message: `expected "name old -> new": ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    value.push({ manager: 'pacman', name: m[1], arch: '', installedVersion: m[2], candidateVersion: m[3], security: 'unknown', advisories: [], cves: [] });
  });
  return { value, problems };
}

/** One target of `pacman -Sup --print-format '%n\t%v\t%r'` (a fourth, arch column is read when present). */
export interface PacmanTarget {
  name: string;
  version: string;
  repo: string;
  arch: string;
}

/** The `--print-format` the plan asks for. */
export const PRINT_FORMAT = '%n\t%v\t%r';

/**
 * Reads `pacman -Sup --print-format '%n\t%v\t%r'`: what `pacman -Su` would install. pacman 6.0
 * has no `%a` (it prints it literally), so the arch column is optional and `%a` counts as none.
 */
export function parsePacmanPrint(text: string): ParseOutcome<PacmanTarget[]> {
  const value: PacmanTarget[] = [];
  const problems: ParseProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || /^(:: |warning: |resolving dependencies|looking for conflicting)/.test(line)) return;
    const f = line.split('\t');
    if (f.length < 3 || f.length > 4 || !f[0] || !f[1]) {
      problems.push({ line: index + 1, message: `expected name, version, repository and arch separated by tabs: ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    value.push({ name: f[0], version: f[1], repo: f[2] ?? '', arch: f[3] === '%a' ? '' : (f[3] ?? '') });
  });
  return { value, problems };
}
