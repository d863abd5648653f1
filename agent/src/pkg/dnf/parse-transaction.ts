import type { PlannedChangeKind } from '../package-manager.js';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { isRpmArch, looksLikeEvr, normalizeEvr } from '../rpmdb/nevra.js';

/** One row of the transaction table. `from` is only known when the tool printed it (dnf5 `new <- old`). */
export interface TransactionRow {
  kind: PlannedChangeKind;
  name: string;
  arch: string;
  evr: string;
  repo: string;
  from?: string;
}

export interface Transaction {
  rows: TransactionRow[];
  /** Packages the solver left out (`Skipping packages with broken dependencies:`), with why. */
  skipped: { name: string; arch: string; evr: string; reason: string }[];
  /** `Nothing to do.` was printed: the request resolved to no change. */
  nothingToDo: boolean;
  /** A table was printed (a transaction was resolved, then aborted by --assumeno). */
  resolved: boolean;
}

/** Section headers of dnf4 (`Upgrading:`), dnf5 (`Installing dependencies:`) and yum 3 (`Updating:`). */
function sectionKind(header: string): PlannedChangeKind | 'skip' | null | undefined {
  if (/^Installing( dependencies| weak dependencies| for dependencies)?:$/.test(header)) return 'install';
  if (/^(Upgrading|Updating)( dependencies| for dependencies)?:$/.test(header)) return 'upgrade';
  if (/^Downgrading:$/.test(header)) return 'downgrade';
  if (/^Reinstalling:$/.test(header)) return 'reinstall';
  if (/^(Removing|Erasing)( dependent packages| unused dependencies| for dependencies)?:$/.test(header)) return 'remove';
  if (/^Skipping packages with (broken dependencies|conflicts):$/.test(header) || /^Skipping packages/.test(header)) return 'skip';
  // Module streams, groups, environments, reason changes: not package changes.
  if (/:$/.test(header)) return null;
  return undefined;
}

/** Collapses dnf5's `new <- old` cells into one token, remembering the old value. */
function collapseArrows(tokens: string[]): { tokens: string[]; previous: Map<number, string> } {
  const out: string[] = [];
  const previous = new Map<number, string>();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i + 1] === '<-' && tokens[i + 2] !== undefined) {
      previous.set(out.length, tokens[i + 2] ?? '');
      out.push(tokens[i] ?? '');
      i += 2;
    } else {
      out.push(tokens[i] ?? '');
    }
  }
  return { tokens: out, previous };
}

/** `replacing  old.noarch 1.0-1` (dnf4, yum) or `replacing old noarch 1.0-1 …` (dnf5): the obsoleted package. */
function replacedRow(tokens: readonly string[]): TransactionRow | undefined {
  const [a = '', b = '', c = ''] = tokens;
  if (isRpmArch(b) && looksLikeEvr(c)) return { kind: 'remove', name: a, arch: b, evr: normalizeEvr(c), repo: '@System' };
  const dot = a.lastIndexOf('.');
  if (dot > 0 && isRpmArch(a.slice(dot + 1)) && looksLikeEvr(b)) return { kind: 'remove', name: a.slice(0, dot), arch: a.slice(dot + 1), evr: normalizeEvr(b), repo: '@System' };
  return undefined;
}

/**
 * Reads the transaction table that `dnf --assumeno <verb>` (dnf4, dnf5) and `yum --assumeno`
 * print before they abort: section headers, then `name arch [epoch:]version-release repo size`
 * rows. Rows wrapped onto two lines (a long name alone on the first) are joined; `replacing`
 * rows (obsoletes) become removals of the replaced package; dnf5's old-version continuation
 * lines and tree glyphs are skipped; the table
 * ends at `Transaction Summary`. Parses the whole output of a run: stray lines before the table
 * (repository sync, `No match for argument`) are not problems.
 */
export function parseTransaction(text: string): ParseOutcome<Transaction> {
  const rows: TransactionRow[] = [];
  const skipped: Transaction['skipped'] = [];
  const problems: ParseProblem[] = [];
  let section: PlannedChangeKind | 'skip' | null = null;
  let inTable = false;
  let resolved = false;
  let carry = '';
  const nothingToDo = /^Nothing to do\.?$/m.test(text);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const trimmed = line.trim();
    if (/^Transaction Summary/.test(trimmed)) break;
    if (/^Package\s+Arch(itecture)?\s+Version\s+Repo(sitory)?\s+Size$/.test(trimmed)) {
      inTable = true;
      resolved = true;
      continue;
    }
    if (!inTable || trimmed === '' || /^=+$/.test(trimmed)) continue;
    if (!/^\s/.test(line)) {
      const kind = sectionKind(trimmed);
      if (kind !== undefined) {
        section = kind;
        carry = '';
        continue;
      }
    }
    if (section === null) continue;
    const raw = (carry ? `${carry} ${trimmed}` : trimmed).replace(/^[|`├└─\s-]+(?=\S)/u, '');
    const { tokens, previous } = collapseArrows(raw.split(/\s+/));
    if (tokens[0] === 'replacing') {
      // Obsoletes: the replaced package leaves the system, so the plan lists its removal.
      const replaced = replacedRow(tokens.slice(1));
      if (replaced && !rows.some((r) => r.kind === 'remove' && r.name === replaced.name && r.arch === replaced.arch)) rows.push(replaced);
      else if (!replaced) problems.push({ line: i + 1, message: `unreadable replacing row: ${JSON.stringify(trimmed.slice(0, 120))}` });
      carry = '';
      continue;
    }
    if (tokens.length >= 1 && looksLikeEvr(tokens[0] ?? '') && !isRpmArch(tokens[1] ?? '')) {
      carry = '';
      continue;
    }
    if (tokens.length === 1) {
      carry = tokens[0] ?? '';
      continue;
    }
    carry = '';
    const [name = '', arch = '', evr = '', repo = ''] = tokens;
    if (!isRpmArch(arch) || !looksLikeEvr(evr) || !repo) {
      problems.push({ line: i + 1, message: `not a transaction row: ${JSON.stringify(trimmed.slice(0, 120))}` });
      continue;
    }
    if (section === 'skip') {
      skipped.push({ name, arch, evr: normalizeEvr(evr), reason: 'skipped by the solver (broken dependencies or conflicts)' });
      continue;
    }
    const row: TransactionRow = { kind: section, name, arch, evr: normalizeEvr(evr), repo };
    const old = previous.get(2);
    if (old && looksLikeEvr(old)) row.from = normalizeEvr(old);
    rows.push(row);
  }
  return { value: { rows, skipped, nothingToDo, resolved }, problems };
}
