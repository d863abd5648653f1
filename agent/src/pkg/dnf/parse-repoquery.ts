import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { formatEvr, isRpmArch } from '../rpmdb/nevra.js';
import type { RpmCandidate } from './parse-check-update.js';

/**
 * The `dnf repoquery --queryformat` the adapter asks for: tab separated, one package per line. A
 * real tab and newline are passed (dnf4 prints the string as given and adds a newline, dnf5
 * prints it as given), so blank lines between rows are expected and skipped.
 */
export const REPOQUERY_FORMAT = '%{name}\t%{epoch}\t%{version}\t%{release}\t%{arch}\t%{repoid}\n';

/** Reads the output of `dnf repoquery --upgrades --latest-limit=1 --queryformat REPOQUERY_FORMAT`. */
export function parseRepoquery(text: string): ParseOutcome<RpmCandidate[]> {
  const value: RpmCandidate[] = [];
  const problems: ParseProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const f = line.split('\t');
    const [name = '', epoch = '', version = '', release = '', arch = '', repo = ''] = f;
    if (f.length !== 6 || !/^\S+$/.test(name) || !/^(\d*|\(none\))$/.test(epoch) || !version || !release || !isRpmArch(arch)) {
      problems.push({ line: index + 1, message: `expected name, epoch, version, release, arch and repo separated by tabs: ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    value.push({ name, arch, evr: formatEvr(epoch, version, release), repo });
  });
  return { value, problems };
}
