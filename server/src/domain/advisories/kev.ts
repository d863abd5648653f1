import { z } from 'zod';
import { IssueList, jsonSyntaxIssue, zodIssues } from './feed-issue.js';
import type { FeedIssue, FeedParseResult } from './feed-issue.js';

/**
 * The CISA Known Exploited Vulnerabilities catalog (JSON), checked against its published schema
 * (fixtures/cisa-kev-schema.json): required fields, `CVE-YYYY-N{4,19}` ids, `YYYY-MM-DD` dates.
 */

export interface KevEntry {
  cve: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  dateAdded: string;
  dueDate: string;
  requiredAction: string;
  shortDescription: string;
  /** `knownRansomwareCampaignUse === 'Known'`. */
  knownRansomware: boolean;
  notes?: string;
  cwes: string[];
}

export interface KevCatalog {
  catalogVersion: string;
  dateReleased: string;
  count: number;
  entries: KevEntry[];
}

const date = z.iso.date({ error: 'a date in the form YYYY-MM-DD' });

const Vulnerability = z.object({
  cveID: z.string().regex(/^CVE-[0-9]{4}-[0-9]{4,19}$/, 'a CVE id like CVE-2024-12345'),
  vendorProject: z.string().max(1024),
  product: z.string().max(1024),
  vulnerabilityName: z.string().max(4096),
  dateAdded: date,
  shortDescription: z.string().max(100_000),
  requiredAction: z.string().max(100_000),
  dueDate: date,
  knownRansomwareCampaignUse: z.string().max(64).optional(),
  notes: z.string().max(100_000).optional(),
  cwes: z.array(z.string().regex(/^CWE-[0-9]+$/, 'a CWE id like CWE-79')).max(1_000).optional(),
});

const Header = z.object({
  catalogVersion: z.string().min(1).max(64),
  dateReleased: z.iso.datetime({ offset: true }),
  count: z.number().int().nonnegative(),
  vulnerabilities: z.array(z.unknown()),
});

export function parseKevCatalog(file: string, text: string): FeedParseResult<KevCatalog> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, issues: [jsonSyntaxIssue(file, text, err)] };
  }
  return parseKevDocument(file, doc);
}

/** True when a parsed JSON document looks like a KEV catalog rather than OSV. */
export function looksLikeKev(doc: unknown): boolean {
  return doc !== null && typeof doc === 'object' && 'catalogVersion' in doc && 'vulnerabilities' in doc;
}

export function parseKevDocument(file: string, doc: unknown): FeedParseResult<KevCatalog> {
  const header = Header.safeParse(doc);
  if (!header.success) return { ok: false, issues: zodIssues(header.error, { file }) };
  const issues = new IssueList();
  const entries: KevEntry[] = [];
  const seen = new Set<string>();
  const warnings: FeedIssue[] = [];
  header.data.vulnerabilities.forEach((raw, record) => {
    const parsed = Vulnerability.safeParse(raw);
    const recordId = raw !== null && typeof raw === 'object' && typeof (raw as { cveID?: unknown }).cveID === 'string' ? (raw as { cveID: string }).cveID.slice(0, 64) : undefined;
    const at = { file, record, ...(recordId ? { recordId } : {}) };
    if (!parsed.success) {
      for (const issue of zodIssues(parsed.error, at)) issues.add({ ...issue, field: `vulnerabilities[${record}]${issue.field ? `.${issue.field}` : ''}` });
      return;
    }
    const v = parsed.data;
    if (seen.has(v.cveID)) {
      issues.add({ ...at, field: `vulnerabilities[${record}].cveID`, message: `${v.cveID} listed twice` });
      return;
    }
    seen.add(v.cveID);
    entries.push({
      cve: v.cveID,
      vendorProject: v.vendorProject,
      product: v.product,
      vulnerabilityName: v.vulnerabilityName,
      dateAdded: v.dateAdded,
      dueDate: v.dueDate,
      requiredAction: v.requiredAction,
      shortDescription: v.shortDescription,
      knownRansomware: v.knownRansomwareCampaignUse === 'Known',
      ...(v.notes !== undefined ? { notes: v.notes } : {}),
      cwes: v.cwes ?? [],
    });
  });
  if (issues.size > 0) return { ok: false, issues: issues.finish(file) };
  if (header.data.count !== entries.length) {
    warnings.push({ file, field: 'count', message: `catalog says ${header.data.count} entries but holds ${entries.length} (an excerpt?)` });
  }
  return {
    ok: true,
    value: { catalogVersion: header.data.catalogVersion, dateReleased: header.data.dateReleased, count: header.data.count, entries },
    warnings,
  };
}
