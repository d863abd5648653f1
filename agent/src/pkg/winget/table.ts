import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';

/*
 * winget prints tables, not JSON: a header line, a line of dashes, then rows padded to the column
 * widths. Columns are found from the header's positions, measured in terminal cells the way winget
 * measures them (East Asian wide characters take two cells), after undoing what its progress
 * spinner left on the line (carriage returns, VT sequences). Pure; never throws.
 */

const WIDE: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

/** Terminal cells a code point takes: 2 for East Asian Wide/Fullwidth, 0 for combining marks. */
export function cellWidth(cp: number): 0 | 1 | 2 {
  if (cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f) || /\p{M}/u.test(String.fromCodePoint(cp))) return 0;
  for (const [lo, hi] of WIDE) if (cp >= lo && cp <= hi) return 2;
  return 1;
}

/**
 * What a terminal would show for one line: VT "cursor to column" / "erase line" sequences and
 * carriage returns restart the line (winget's spinner writes `\r-\r\\\r|` before the header);
 * other escape sequences and control characters are dropped.
 */
export function visibleLine(raw: string): string {
  const line = raw
    // eslint-disable-next-line no-control-regex -- VT sequences are what this removes
    .replace(/\x1b\[[0-9;?]*[GK]/g, '\r')
    // eslint-disable-next-line no-control-regex -- VT sequences are what this removes
    .replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]/g, '');
  const restart = line.lastIndexOf('\r');
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  return (restart === -1 ? line : line.slice(restart + 1)).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

interface Cell {
  ch: string;
  at: number;
  width: number;
}

function cells(line: string): Cell[] {
  const out: Cell[] = [];
  let at = 0;
  for (const ch of line) {
    const width = ch === '\t' ? 1 : cellWidth(ch.codePointAt(0) ?? 0);
    out.push({ ch, at, width });
    at += width;
  }
  return out;
}

function occupied(row: readonly Cell[], cell: number): boolean {
  const c = row.find((x) => x.at <= cell && cell < x.at + Math.max(x.width, 1));
  return c !== undefined && c.ch.trim() !== '';
}

export interface TableRow {
  /** 1-based line number in the original output. */
  line: number;
  /** Cell text per column, trimmed. */
  values: string[];
  /** The whole visible line, trimmed. */
  text: string;
}

export interface Table {
  /** Header labels as printed (English or localized). */
  header: string[];
  rows: TableRow[];
}

const DASHES = /^-{3,}\s*$/;

/**
 * Reads every table in winget's output. A header is a non-empty line followed by a line of dashes;
 * its rows run to the next blank line, the next header or the end. A header word is a column only
 * if most rows leave the cell before it blank: so a localized label with a space in it
 * ("사용 가능") stays one column.
 */
export function readTables(text: string): ParseOutcome<Table[]> {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((l) => visibleLine(l.replace(/\r$/, '')));
  const tables: Table[] = [];
  const problems: ParseProblem[] = [];
  let i = 0;
  while (i < lines.length - 1) {
    if (!(lines[i] ?? '').trim() || !DASHES.test(lines[i + 1] ?? '')) {
      i++;
      continue;
    }
    const header = cells(lines[i] ?? '');
    const body: { line: number; cells: Cell[]; text: string }[] = [];
    let j = i + 2;
    for (; j < lines.length; j++) {
      const l = lines[j] ?? '';
      if (!l.trim() || (j + 1 < lines.length && DASHES.test(lines[j + 1] ?? '') && !DASHES.test(l))) break;
      body.push({ line: j + 1, cells: cells(l), text: l.trim() });
    }
    const starts = columnStarts(header, body.map((b) => b.cells));
    if (starts.length === 0) problems.push({ line: i + 1, message: 'table header has no columns' });
    const slice = (row: readonly Cell[], k: number) => {
      const from = k === 0 ? 0 : (starts[k] ?? 0);
      const to = starts[k + 1] ?? Number.POSITIVE_INFINITY;
      return row
        .filter((c) => c.at >= from && c.at < to)
        .map((c) => c.ch)
        .join('')
        .trim();
    };
    tables.push({
      header: starts.map((_, k) => slice(header, k)),
      rows: body.map((b) => ({ line: b.line, text: b.text, values: starts.map((_, k) => slice(b.cells, k)) })),
    });
    i = j;
  }
  return { value: tables, problems };
}

function columnStarts(header: readonly Cell[], rows: readonly (readonly Cell[])[]): number[] {
  const starts: number[] = [];
  header.forEach((c, k) => {
    const prev = header[k - 1];
    if (c.ch.trim() !== '' && (k === 0 || (prev !== undefined && prev.ch.trim() === ''))) starts.push(c.at);
  });
  return starts.filter((start, k) => {
    if (k === 0 || rows.length === 0) return true;
    const crossing = rows.filter((r) => occupied(r, start - 1) && occupied(r, start)).length;
    return crossing * 2 <= rows.length;
  });
}
