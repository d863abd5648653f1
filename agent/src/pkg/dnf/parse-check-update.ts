import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { looksLikeEvr, normalizeEvr, splitNameArch } from '../rpmdb/nevra.js';

/** One newer package a repository offers, before it is matched with what is installed. */
export interface RpmCandidate {
  name: string;
  arch: string;
  /** `[epoch:]version-release`, a zero epoch left out. */
  evr: string;
  repo: string;
}

/** Lines the tools print around the table that carry no package. */
const NOISE = [
  /^Loaded plugins:/,
  /^Loading mirror speeds/,
  /^Last metadata expiration check/,
  /^Security: /,
  /^Updating Subscription Management/,
  /^This system is (not )?registered/,
  /^Repository .* is listed more than once/,
  /^ \* /,
  /^Determining fastest mirrors/,
  /^Limiting package lists to security relevant ones/,
  /^\d+ package\(s\) needed for security/,
  /^(Available|Upgrades)$/,
];

/**
 * Reads `dnf check-update` / `yum check-update` (exit 100 when updates exist) and `tdnf list
 * updates`: `name.arch  [epoch:]version-release  repo` per package. Long names make yum wrap a
 * row onto the next line (`name.arch` alone, the rest indented below); the parser joins such
 * rows. Everything after `Obsoleting Packages` describes replacements, not updates, and is
 * ignored. dnf5's `check-upgrade` heads its rows with `Upgrades`, which is skipped.
 */
export function parseCheckUpdate(text: string): ParseOutcome<RpmCandidate[]> {
  const value: RpmCandidate[] = [];
  const problems: ParseProblem[] = [];
  const lines = text.split('\n');
  let pending: { tokens: string[]; line: number } | undefined;
  const flush = (): void => {
    if (pending) problems.push({ line: pending.line, message: `incomplete row ${JSON.stringify(pending.tokens.join(' ').slice(0, 120))}` });
    pending = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (/^Obsolet(ing|ed) Packages/.test(line.trim())) break;
    if (line.trim() === '' || NOISE.some((re) => re.test(line))) {
      flush();
      continue;
    }
    const tokens = line.trim().split(/\s+/);
    const continues = /^\s/.test(line) && pending !== undefined;
    const row = continues && pending ? [...pending.tokens, ...tokens] : tokens;
    const rowLine = continues && pending ? pending.line : i + 1;
    if (!continues) flush();
    pending = undefined;
    if (row.length < 3) {
      if (splitNameArch(row[0] ?? '')) {
        pending = { tokens: row, line: rowLine };
        continue;
      }
      problems.push({ line: i + 1, message: `not an update row: ${JSON.stringify(line.slice(0, 120))}` });
      continue;
    }
    const [nameArch = '', evr = '', repo = ''] = row;
    const na = splitNameArch(nameArch);
    if (!na || !looksLikeEvr(evr) || row.length > 3) {
      problems.push({ line: rowLine, message: `not an update row: ${JSON.stringify(row.join(' ').slice(0, 120))}` });
      continue;
    }
    value.push({ name: na.name, arch: na.arch, evr: normalizeEvr(evr), repo });
  }
  flush();
  return { value, problems };
}
