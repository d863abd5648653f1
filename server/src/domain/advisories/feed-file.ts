import { gunzipSync } from 'fflate';
import type { Advisory } from './advisory.js';
import { parseEpssCsv } from './epss.js';
import type { EpssFeed } from './epss.js';
import { IssueList, jsonSyntaxIssue } from './feed-issue.js';
import type { FeedIssue, FeedParseResult } from './feed-issue.js';
import { looksLikeKev, parseKevDocument } from './kev.js';
import type { KevCatalog } from './kev.js';
import { parseOsvDocument } from './osv.js';
import { DEFAULT_ZIP_LIMITS, decodeUtf8, parseOsvZip } from './osv-files.js';
import type { FeedFile, ZipLimits } from './osv-files.js';

/** What one import brings: OSV advisories, at most one KEV catalog, at most one EPSS file. */
export interface FeedBundle {
  advisories: Advisory[];
  kev: KevCatalog | null;
  epss: EpssFeed | null;
  /** Per source file: what it held (for the import report). */
  files: { name: string; kind: 'osv' | 'osv-zip' | 'kev' | 'epss'; records: number }[];
}

type Parsed =
  | { kind: 'osv' | 'osv-zip'; advisories: Advisory[] }
  | { kind: 'kev'; catalog: KevCatalog }
  | { kind: 'epss'; feed: EpssFeed };

const isZip = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Recognises a feed file by its content (zip, gzip, EPSS CSV, KEV JSON, OSV JSON) and parses it. */
export function parseFeedFile(file: FeedFile, limits: ZipLimits = DEFAULT_ZIP_LIMITS): FeedParseResult<Parsed> {
  const { name, bytes } = file;
  if (isZip(bytes)) {
    const r = parseOsvZip(name, bytes, limits);
    return r.ok ? { ok: true, value: { kind: 'osv-zip', advisories: r.value }, warnings: r.warnings } : r;
  }
  if (isGzip(bytes)) {
    // ISIZE (last 4 bytes) is the uncompressed size mod 2^32; fflate allocates from it.
    const n = bytes.length;
    const isize = n >= 18 ? ((bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16)) + bytes[n - 1]! * 0x1000000) : 0;
    if (isize > limits.maxEntryBytes * 16) {
      return { ok: false, issues: [{ file: name, message: `gzip content of ${isize} bytes exceeds the limit` }] };
    }
    let inner: Uint8Array;
    try {
      inner = gunzipSync(bytes);
    } catch (err) {
      return { ok: false, issues: [{ file: name, message: `not a readable gzip file: ${err instanceof Error ? err.message : String(err)}` }] };
    }
    if (isGzip(inner)) return { ok: false, issues: [{ file: name, message: 'gzip inside gzip is not accepted' }] };
    return parseFeedFile({ name: name.replace(/\.gz$/i, ''), bytes: inner }, limits);
  }
  const decoded = decodeUtf8(name, bytes);
  if (!decoded.ok) return { ok: false, issues: [decoded.issue] };
  const text = decoded.text;
  const head = text.trimStart();
  if (head.startsWith('#model_version') || head.startsWith('cve,epss')) {
    const r = parseEpssCsv(name, text);
    return r.ok ? { ok: true, value: { kind: 'epss', feed: r.value }, warnings: r.warnings } : r;
  }
  if (!head.startsWith('{') && !head.startsWith('[')) {
    return { ok: false, issues: [{ file: name, line: 1, message: 'not a recognised feed: expected OSV or KEV JSON, an EPSS CSV, or a zip/gzip of them' }] };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, issues: [jsonSyntaxIssue(name, text, err)] };
  }
  if (looksLikeKev(doc)) {
    const r = parseKevDocument(name, doc);
    return r.ok ? { ok: true, value: { kind: 'kev', catalog: r.value }, warnings: r.warnings } : r;
  }
  const r = parseOsvDocument(name, doc);
  return r.ok ? { ok: true, value: { kind: 'osv', advisories: r.value }, warnings: r.warnings } : r;
}

/**
 * Everything a `feeds import` of files (or of a directory's files) brings, all-or-nothing: one bad
 * file rejects the whole import. A later duplicate advisory id wins only if its `modified` is newer.
 */
export function parseFeedFiles(files: readonly FeedFile[], limits: ZipLimits = DEFAULT_ZIP_LIMITS): FeedParseResult<FeedBundle> {
  const issues = new IssueList();
  const warnings: FeedIssue[] = [];
  const bundle: FeedBundle = { advisories: [], kev: null, epss: null, files: [] };
  const byId = new Map<string, Advisory>();
  for (const file of files) {
    const r = parseFeedFile(file, limits);
    if (!r.ok) {
      r.issues.forEach((i) => issues.add(i));
      continue;
    }
    warnings.push(...r.warnings);
    const v = r.value;
    if (v.kind === 'kev') {
      if (bundle.kev) issues.add({ file: file.name, message: 'a second KEV catalog in one import' });
      bundle.kev = v.catalog;
      bundle.files.push({ name: file.name, kind: 'kev', records: v.catalog.entries.length });
    } else if (v.kind === 'epss') {
      if (bundle.epss) issues.add({ file: file.name, message: 'a second EPSS file in one import' });
      bundle.epss = v.feed;
      bundle.files.push({ name: file.name, kind: 'epss', records: v.feed.scores.length });
    } else {
      for (const a of v.advisories) {
        const seen = byId.get(a.id);
        if (seen) warnings.push({ file: file.name, recordId: a.id, message: 'advisory given more than once; the newer "modified" is kept' });
        if (!seen || Date.parse(a.modified) > Date.parse(seen.modified)) byId.set(a.id, a);
      }
      bundle.files.push({ name: file.name, kind: v.kind, records: v.advisories.length });
    }
  }
  if (files.length === 0) issues.add({ file: '(none)', message: 'no feed files given' });
  if (issues.size > 0) return { ok: false, issues: issues.finish(files[0]?.name ?? '(none)') };
  bundle.advisories = [...byId.values()];
  return { ok: true, value: bundle, warnings };
}
