import type { CvssScore } from '@patchwave/shared';
import type { Advisory, AffectedPackage, RangeEvent } from './advisory.js';
import { cveIdsOf } from './advisory.js';
import { scoreCvss } from './cvss.js';
import { IssueList, jsonSyntaxIssue, zodIssues } from './feed-issue.js';
import type { FeedIssue, FeedParseResult } from './feed-issue.js';
import { OsvRecord } from './osv-record.js';

/** OSV records from the text of one JSON file: one record, an array of records, or `{ "vulns": [...] }`. */
export function parseOsvJson(file: string, text: string): FeedParseResult<Advisory[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, issues: [jsonSyntaxIssue(file, text, err)] };
  }
  return parseOsvDocument(file, doc);
}

export function parseOsvDocument(file: string, doc: unknown): FeedParseResult<Advisory[]> {
  const records = Array.isArray(doc)
    ? doc
    : doc !== null && typeof doc === 'object' && Array.isArray((doc as { vulns?: unknown }).vulns)
      ? (doc as { vulns: unknown[] }).vulns
      : [doc];
  const issues = new IssueList();
  const out: Advisory[] = [];
  records.forEach((raw, index) => {
    const at = records.length === 1 && !Array.isArray(doc) ? { file } : { file, record: index };
    const advisory = convertRecord(raw, at, issues);
    if (advisory) out.push(advisory);
  });
  if (issues.size > 0) return { ok: false, issues: issues.finish(file) };
  return { ok: true, value: out, warnings: [] };
}

function idOf(raw: unknown): string | undefined {
  if (raw !== null && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string') {
    return ((raw as { id: string }).id).slice(0, 128);
  }
  return undefined;
}

type Where = Omit<FeedIssue, 'message' | 'field'>;

function scoreAll(
  severity: readonly { type: string; score: string }[] | null | undefined,
  fieldPrefix: string,
  at: Where,
  issues: IssueList,
): { cvss: CvssScore[]; label: string | null } {
  const cvss: CvssScore[] = [];
  let label: string | null = null;
  (severity ?? []).forEach((s, i) => {
    if (s.type === 'Ubuntu') {
      label = s.score;
      return;
    }
    const result = scoreCvss(s.score);
    if (!result.ok) {
      issues.add({ ...at, field: `${fieldPrefix}[${i}].score`, message: result.error });
      return;
    }
    const expected = s.type === 'CVSS_V2' ? ['2.0'] : s.type === 'CVSS_V3' ? ['3.0', '3.1'] : ['4.0'];
    if (!expected.includes(result.score.version)) {
      issues.add({ ...at, field: `${fieldPrefix}[${i}].score`, message: `${s.type} holds a CVSS ${result.score.version} vector` });
      return;
    }
    cvss.push(result.score);
  });
  return { cvss, label };
}

function stringField(obj: Record<string, unknown> | undefined, key: string): string | null {
  const v = obj?.[key];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function binariesOf(ecosystemSpecific: Record<string, unknown> | undefined): AffectedPackage['binaries'] {
  const list = ecosystemSpecific?.['binaries'];
  if (!Array.isArray(list)) return [];
  const out: AffectedPackage['binaries'] = [];
  for (const b of list) {
    if (b === null || typeof b !== 'object') continue;
    const o = b as Record<string, unknown>;
    // Ubuntu: { binary_name, binary_version }; SUSE/openSUSE publish objects keyed by binary name.
    if (typeof o['binary_name'] === 'string') {
      out.push({ name: o['binary_name'], ...(typeof o['binary_version'] === 'string' ? { fixedVersion: o['binary_version'] } : {}) });
    } else {
      for (const name of Object.keys(o)) out.push({ name });
    }
  }
  return out;
}

function convertRecord(raw: unknown, at: Where, issues: IssueList): Advisory | null {
  const recordId = idOf(raw);
  const where: Where = recordId ? { ...at, recordId } : at;
  const parsed = OsvRecord.safeParse(raw);
  if (!parsed.success) {
    for (const issue of zodIssues(parsed.error, where)) issues.add(issue);
    return null;
  }
  const r = parsed.data;
  const before = issues.size;
  const top = scoreAll(r.severity, 'severity', where, issues);
  const affected: AffectedPackage[] = (r.affected ?? []).map((a, ai) => {
    const own = scoreAll(a.severity, `affected[${ai}].severity`, where, issues);
    return {
      ecosystem: a.package.ecosystem,
      name: a.package.name,
      ...(a.package.purl ? { purl: a.package.purl } : {}),
      ranges: (a.ranges ?? []).map((rg) => ({ type: rg.type, events: rg.events as RangeEvent[] })),
      versions: a.versions ?? [],
      binaries: binariesOf(a.ecosystem_specific),
      cvss: own.cvss,
      ...(a.ecosystem_specific ? { ecosystemSpecific: a.ecosystem_specific } : {}),
      ...(a.database_specific ? { databaseSpecific: a.database_specific } : {}),
    };
  });
  if (issues.size > before) return null;
  const related = [...new Set([...(r.upstream ?? []), ...(r.related ?? [])])];
  const urgency = r.affected?.map((a) => stringField(a.ecosystem_specific, 'urgency')).find((u) => u !== null) ?? null;
  return {
    id: r.id,
    source: 'osv',
    modified: r.modified,
    published: r.published ?? null,
    withdrawn: r.withdrawn ?? null,
    summary: r.summary ?? '',
    details: r.details ?? '',
    aliases: r.aliases ?? [],
    related,
    cves: cveIdsOf([r.id, ...(r.aliases ?? []), ...related]),
    cvss: [...top.cvss, ...affected.flatMap((a) => a.cvss)],
    severityLabel: top.label ?? urgency,
    references: r.references ?? [],
    affected,
    ...(r.database_specific ? { databaseSpecific: r.database_specific } : {}),
  };
}
