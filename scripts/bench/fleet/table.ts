import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** One printed figure: what was measured, its reference from the same run, and the target. */
export interface Row {
  figure: string;
  measured: string;
  reference: string;
  target: string;
  /** true / false when the target is a comparison this row can judge; null when it cannot (see the doc). */
  met: boolean | null;
  /** Raw numbers behind the row, for the JSON file. */
  values?: Record<string, number | string | boolean | null>;
}

export interface SectionResult {
  section: string;
  rows: Row[];
  /** Correctness facts (the quick test asserts these), never timings. */
  checks: Record<string, number | boolean>;
  notes: string[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function sortNumbers(xs: readonly number[]): number[] {
  return Float64Array.from(xs).sort() as unknown as number[];
}

export const ms = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : n.toFixed(0)} ms` : 'n/a');
export const kb = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} KB` : 'n/a');
export const mb = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} MB` : 'n/a');
export const rate = (n: number, unit: string) => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')} ${unit}` : 'n/a');

export function printRows(rows: readonly Row[]): void {
  const w = [44, 24, 30, 26];
  const line = (cells: string[]) => console.log(cells.map((c, i) => c.padEnd(w[i] ?? 10)).join(' | '));
  line(['figure', 'measured', 'reference (same run)', 'target']);
  console.log(w.map((n) => '-'.repeat(n)).join('-|-'));
  for (const r of rows) line([r.figure, r.measured, r.reference, `${r.target}${r.met === null ? '' : r.met ? '  ✓' : '  ✗ missed'}`]);
}

/** Machine and load, written next to the figures. */
export function machine(): Record<string, string | number> {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

export function writeResults(dir: string, name: string, payload: object): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(payload, null, 2) + '\n');
  return file;
}

/** Max number of [start, end] intervals open at one instant. */
export function maxOverlap(intervals: readonly (readonly [number, number])[]): number {
  const events: [number, number][] = [];
  for (const [a, b] of intervals) events.push([a, 1], [b, -1]);
  // Ends before starts at the same instant: a slot freed and reused at once is not an overlap.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let max = 0;
  for (const [, d] of events) {
    open += d;
    max = Math.max(max, open);
  }
  return max;
}
