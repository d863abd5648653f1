import { IssueList } from './feed-issue.js';
import type { FeedParseResult } from './feed-issue.js';

/**
 * EPSS scores as FIRST publishes them daily (epss_scores-YYYY-MM-DD.csv[.gz]):
 *
 *   #model_version:v2025.03.14,score_date:2025-09-03T12:55:00Z
 *   cve,epss,percentile
 *   CVE-1999-0001,0.0142,0.7991
 *
 * The comment line is required: a score without its model and date cannot be explained later.
 * `score_date` is seen both as `…T00:00:00+0000` and `…T12:55:00Z`; its date part is kept.
 */

export interface EpssScore {
  cve: string;
  /** Probability of exploitation activity in the next 30 days, 0..1. */
  epss: number;
  percentile: number;
}

export interface EpssFeed {
  modelVersion: string;
  /** YYYY-MM-DD. */
  scoreDate: string;
  scores: EpssScore[];
}

const CVE = /^CVE-\d{4}-\d{4,19}$/;
const DECIMAL = /^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)(?:[eE]-?\d+)?$/;

function fraction(raw: string): number | null {
  if (!DECIMAL.test(raw)) return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

export function parseEpssCsv(file: string, text: string): FeedParseResult<EpssFeed> {
  const lines = text.split('\n');
  const first = (lines[0] ?? '').replace(/\r$/, '').replace(/^\uFEFF/, '');
  const meta = /^#model_version:([^,\s]+),score_date:(\d{4}-\d{2}-\d{2})(T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(first);
  if (!meta) {
    return {
      ok: false,
      issues: [{ file, line: 1, message: `expected "#model_version:<v>,score_date:<ISO date>" as the first line, got "${first.slice(0, 80)}"` }],
    };
  }
  const [, modelVersion, scoreDate] = meta as unknown as [string, string, string];
  if (Number.isNaN(Date.parse(`${scoreDate}T00:00:00Z`))) {
    return { ok: false, issues: [{ file, line: 1, field: 'score_date', message: `invalid date ${scoreDate}` }] };
  }
  const header = (lines[1] ?? '').replace(/\r$/, '').trim();
  if (header !== 'cve,epss,percentile') {
    return { ok: false, issues: [{ file, line: 2, message: `expected the header "cve,epss,percentile", got "${header.slice(0, 80)}"` }] };
  }
  const issues = new IssueList();
  const scores: EpssScore[] = [];
  const seen = new Set<string>();
  for (let i = 2; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line === '' && i === lines.length - 1) break;
    const at = { file, line: i + 1, record: i - 2 };
    const cells = line.split(',');
    if (cells.length !== 3) {
      issues.add({ ...at, message: `expected 3 fields, got ${cells.length}` });
      continue;
    }
    const [cve, epssRaw, pctRaw] = cells as [string, string, string];
    if (!CVE.test(cve)) {
      issues.add({ ...at, field: 'cve', message: `not a CVE id: "${cve.slice(0, 40)}"` });
      continue;
    }
    const epss = fraction(epssRaw);
    const percentile = fraction(pctRaw);
    if (epss === null) issues.add({ ...at, recordId: cve, field: 'epss', message: `not a probability in 0..1: "${epssRaw.slice(0, 40)}"` });
    if (percentile === null) issues.add({ ...at, recordId: cve, field: 'percentile', message: `not a fraction in 0..1: "${pctRaw.slice(0, 40)}"` });
    if (epss === null || percentile === null) continue;
    if (seen.has(cve)) {
      issues.add({ ...at, recordId: cve, field: 'cve', message: `${cve} listed twice` });
      continue;
    }
    seen.add(cve);
    scores.push({ cve, epss, percentile });
  }
  if (issues.size > 0) return { ok: false, issues: issues.finish(file) };
  return { ok: true, value: { modelVersion, scoreDate, scores }, warnings: [] };
}
