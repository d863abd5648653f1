import type { AvailableUpdate, InstalledPackage } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import { readTables, type Table } from './table.js';

/*
 * Pure parsers for `winget list` and `winget upgrade` tables (see ./table.ts and README.md).
 * None of them throws.
 */

export interface WingetRow {
  name: string;
  id: string;
  /** As printed: `2.31.0.0.1`, `< 10.0.22000.832`, `Unknown`. */
  version: string;
  available: string;
  /** Empty when winget was given `--source` (no Source column) or the package is not from a source. */
  source: string;
  line: number;
}

type Field = 'name' | 'id' | 'version' | 'available' | 'source' | 'match';

const ENGLISH: Record<string, Field> = { name: 'name', id: 'id', version: 'version', available: 'available', source: 'source', match: 'match' };

/** English footers and notices winget prints under or between its tables. */
const NOTICES = [
  /^\d+ upgrades? available\.?$/i,
  /^\d+ packages? (?:\(s\) )?(?:have|has) /i,
  /^\d+ package\(s\) have /i,
  /require explicit targeting for upgrade/i,
  /^No (?:installed package found|applicable upgrade found|package found)/i,
  /version numbers that cannot be determined/i,
];

/**
 * Which field each column holds: by the English labels when winget printed them, else by position
 * (winget's column order does not change with the display language): Name, Id, Version, then
 * Available and Source. A lone fourth column is Source in `list` when its values read like source
 * names, else Available.
 */
function fields(table: Table, mode: 'list' | 'upgrade'): Field[] {
  const english = table.header.map((h) => ENGLISH[h.toLowerCase()]);
  if (english.every((f) => f !== undefined)) return english as Field[];
  const base: Field[] = ['name', 'id', 'version'];
  const rest = table.header.length - 3;
  if (rest <= 0) return base.slice(0, table.header.length);
  if (rest >= 2) return [...base, 'available', 'source', ...Array<Field>(rest - 2).fill('match')];
  if (mode === 'upgrade') return [...base, 'available'];
  const fourth = table.rows.map((r) => r.values[3] ?? '').filter(Boolean);
  return [...base, fourth.length > 0 && fourth.every((v) => /^[A-Za-z][A-Za-z0-9._-]*$/.test(v)) ? 'source' : 'available'];
}

/** Every package row of every table in the output, with problems for rows that are not packages. */
export function readWingetRows(text: string, mode: 'list' | 'upgrade'): ParseOutcome<WingetRow[]> {
  const tables = readTables(text);
  const problems: ParseProblem[] = [...tables.problems];
  const rows: WingetRow[] = [];
  for (const table of tables.value) {
    const map = fields(table, mode);
    for (const r of table.rows) {
      const get = (f: Field) => {
        const k = map.indexOf(f);
        return k === -1 ? '' : (r.values[k] ?? '');
      };
      const row: WingetRow = { name: get('name'), id: get('id'), version: get('version'), available: get('available'), source: get('source'), line: r.line };
      if (NOTICES.some((n) => n.test(r.text))) continue;
      // Apps & Features entries in `winget list` may have ids with spaces; source ids never do.
      if (!row.id || (mode === 'upgrade' && /\s/.test(row.id)) || !row.version || (mode === 'upgrade' && !row.available)) {
        problems.push({ line: r.line, message: `not a package row: ${JSON.stringify(r.text.slice(0, 120))}` });
        continue;
      }
      rows.push(row);
    }
  }
  return { value: rows, problems };
}

/** True when winget cut the text to fit its column (`8b5526fe-…_kw…`). */
export function isTruncated(value: string): boolean {
  return value.endsWith('\u2026');
}

/** `winget upgrade --include-unknown …`: one update per package Id (duplicate rows are one package). */
export function parseWingetUpgrades(text: string): ParseOutcome<AvailableUpdate[]> {
  const rows = readWingetRows(text, 'upgrade');
  const problems = [...rows.problems];
  const seen = new Set<string>();
  const value: AvailableUpdate[] = [];
  for (const row of rows.value) {
    const key = row.id.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (isTruncated(row.id)) problems.push({ line: row.line, message: `Id ${JSON.stringify(row.id)} is truncated by winget's column width: it cannot be targeted` });
    value.push({
      manager: 'winget',
      name: row.id,
      arch: '',
      installedVersion: row.version,
      candidateVersion: row.available,
      security: 'unknown',
      advisories: [],
      cves: [],
      ...(row.source ? { origin: row.source } : {}),
      ...(row.name ? { title: row.name } : {}),
    });
  }
  return { value, problems };
}

/** `winget list …`: one package per Id; the first row wins when winget correlates two entries to one Id. */
export function parseWingetList(text: string): ParseOutcome<InstalledPackage[]> {
  const rows = readWingetRows(text, 'list');
  const seen = new Set<string>();
  const value: InstalledPackage[] = [];
  for (const row of rows.value) {
    const key = row.id.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    value.push({ manager: 'winget', name: row.id, version: row.version, arch: '' });
  }
  return { value, problems: rows.problems };
}

/** `winget --version`: `v1.7.10861`. */
export function parseWingetVersion(text: string): string | undefined {
  return /^v?(\d+(?:\.\d+)+(?:[-+][\w.-]+)?)\s*$/m.exec(text.trim())?.[1];
}
