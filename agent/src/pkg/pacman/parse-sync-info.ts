import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';

/** What `pacman -Si` says about one sync package that matters to a plan. */
export interface SyncInfo {
  name: string;
  version: string;
  /** `any`, `x86_64`, … ('' when not printed). */
  arch: string;
  /** Package names (version constraints stripped) this one conflicts with / replaces. */
  conflicts: string[];
  replaces: string[];
}

const list = (value: string): string[] =>
  value === 'None'
    ? []
    : value
        .split(/\s{2,}/)
        .map((v) => v.trim().replace(/[<>=].*$/, ''))
        .filter(Boolean);

/**
 * Reads `pacman -Si -- <names>` (LC_ALL=C): blocks of `Key : value` lines separated by blank
 * lines; multi-valued fields separate values by two spaces and wrap onto indented lines.
 */
export function parseSyncInfo(text: string): ParseOutcome<SyncInfo[]> {
  const out: SyncInfo[] = [];
  const problems: ParseProblem[] = [];
  let fields = new Map<string, string>();
  let last: string | undefined;
  const flush = (line: number) => {
    if (fields.size === 0) return;
    const name = fields.get('Name');
    const version = fields.get('Version');
    if (!name || !version) problems.push({ line, message: 'a pacman -Si block without Name or Version' });
    else out.push({ name, version, arch: fields.get('Architecture') ?? '', conflicts: list(fields.get('Conflicts With') ?? 'None'), replaces: list(fields.get('Replaces') ?? 'None') });
    fields = new Map();
    last = undefined;
  };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return flush(i + 1);
    const m = /^([A-Za-z][A-Za-z ]*?)\s*: (.*)$/.exec(line);
    if (m && !/^\s/.test(line)) {
      last = m[1] ?? '';
      fields.set(last, (m[2] ?? '').trim());
    } else if (last && /^\s/.test(line)) {
      fields.set(last, `${fields.get(last) ?? ''}  ${line.trim()}`);
    }
  });
  flush(text.split('\n').length);
  return { value: out, problems };
}
