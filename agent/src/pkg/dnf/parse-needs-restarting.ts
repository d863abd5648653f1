import type { RebootState } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';

/**
 * Reads `needs-restarting -r` (yum-utils, dnf-plugins-core: exit 1 when a reboot is needed) and
 * dnf5's `dnf needs-restarting` (same text, same exit codes). Packages are listed as `  * kernel`
 * (dnf) or `  kernel -> 3.10.0-957.1.3.el7` (yum-utils on EL7). The text decides; the adapter
 * checks the exit code agrees. Anything else (a missing plugin: `No such command`) is `unknown`.
 */
export function parseNeedsRestarting(text: string): ParseOutcome<RebootState> {
  const problems: ParseProblem[] = [];
  const packages: string[] = [];
  let required: RebootState['required'] = 'unknown';
  const reasons: string[] = [];
  let inList = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (/^Core libraries or services have been updated/.test(trimmed)) {
      inList = true;
      continue;
    }
    if (/^No core libraries or services have been updated/.test(trimmed) || /^Reboot should not be necessary/.test(trimmed)) {
      required = required === true ? true : false;
      inList = false;
      continue;
    }
    if (/^Reboot is required/.test(trimmed)) {
      required = true;
      reasons.push(trimmed);
      inList = false;
      continue;
    }
    if (inList && trimmed !== '') {
      const m = /^\*?\s*([A-Za-z0-9_.+-]+)(?:\s+->\s+(\S+))?$/.exec(trimmed);
      if (m?.[1]) packages.push(m[1]);
      else problems.push({ message: `unexpected line in the package list: ${JSON.stringify(trimmed.slice(0, 120))}` });
    }
    if (trimmed === '') inList = false;
  }
  if (required === true && packages.length > 0) reasons.unshift(`core libraries or services updated since boot: ${packages.join(', ')}`);
  if (required === 'unknown' && text.trim() !== '') problems.push({ message: 'output says neither that a reboot is required nor that it is not' });
  return { value: { required, reasons, packages: required === true ? packages : [] }, problems };
}
