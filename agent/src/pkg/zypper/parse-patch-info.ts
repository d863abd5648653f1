import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';

/** The packages one patch fixes: each `name[.arch] < edition` of its `Conflicts` list. */
export interface PatchPackages {
  id: string;
  packages: { name: string; arch?: string; below: string }[];
}

/**
 * Reads `zypper info -t patch ID…` (text: zypper prints no XML for info). A patch conflicts with
 * every package version older than the fixed one, so `Conflicts` says which packages it updates:
 * `Conflicts : pkg < 1.1-1` for one, `Conflicts : [N]` and N indented lines for several.
 * `srcpackage:` entries are skipped; `patch 'X' not found.` is reported.
 */
export function parsePatchInfo(text: string): ParseOutcome<PatchPackages[]> {
  const value: PatchPackages[] = [];
  const problems: ParseProblem[] = [];
  let current: PatchPackages | undefined;
  let inConflicts = false;
  const add = (entry: string, line: number): void => {
    if (!current) return;
    const m = /^(?:([a-z]+):)?(\S+?)\s*<\s*(\S+)$/.exec(entry.trim());
    if (!m?.[2] || !m[3]) {
      problems.push({ line, message: `unreadable conflict ${JSON.stringify(entry.trim().slice(0, 120))}` });
      return;
    }
    if (m[1] && m[1] !== 'package') return;
    const dot = /^(.+)\.(x86_64|noarch|i[3-6]86|aarch64|ppc64le|ppc64|s390x|armv7hl|riscv64)$/.exec(m[2]);
    current.packages.push(dot?.[1] && dot[2] ? { name: dot[1], arch: dot[2], below: m[3] } : { name: m[2], below: m[3] });
  };
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const head = /^Information for patch (.+):$/.exec(line.trim());
    if (head?.[1]) {
      current = { id: head[1], packages: [] };
      value.push(current);
      inConflicts = false;
      return;
    }
    const missing = /^patch '(.+)' not found\.?$/.exec(line.trim());
    if (missing?.[1]) {
      problems.push({ line: index + 1, message: `patch ${missing[1]} not found` });
      return;
    }
    const field = /^([A-Z][A-Za-z ]*?)\s*:\s?(.*)$/.exec(line);
    if (field?.[1] !== undefined && !/^\s/.test(line)) {
      inConflicts = field[1] === 'Conflicts';
      const rest = (field[2] ?? '').trim();
      if (inConflicts && rest && !/^\[\d+\]$/.test(rest)) {
        add(rest, index + 1);
        inConflicts = false;
      }
      return;
    }
    if (inConflicts && /^\s+\S/.test(line)) add(line, index + 1);
    else if (line.trim() === '') inConflicts = false;
  });
  return { value, problems };
}
