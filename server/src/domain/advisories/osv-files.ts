import { unzipSync } from 'fflate';
import type { Advisory } from './advisory.js';
import { IssueList } from './feed-issue.js';
import type { FeedIssue, FeedParseResult } from './feed-issue.js';
import { parseOsvJson } from './osv.js';

/** A file handed to a parser: its name (for messages) and its bytes. Reading it is the caller's job. */
export interface FeedFile {
  name: string;
  bytes: Uint8Array;
}

export interface ZipLimits {
  /** Largest uncompressed entry accepted (declared size; fflate allocates exactly that much). */
  maxEntryBytes: number;
  /** Largest sum of uncompressed JSON entries. */
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntryBytes: 64 * 1024 * 1024, maxTotalBytes: 4 * 1024 * 1024 * 1024 };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(file: string, bytes: Uint8Array): { ok: true; text: string } | { ok: false; issue: FeedIssue } {
  try {
    const text = utf8.decode(bytes);
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { ok: false, issue: { file, message: 'not valid UTF-8' } };
  }
}

/**
 * Advisories from several OSV JSON files (a directory's files, a zip's entries). Files whose name
 * does not end in `.json` are skipped with a warning. When one id appears twice, the newer
 * `modified` wins and a warning says so.
 */
export function parseOsvFiles(files: readonly FeedFile[]): FeedParseResult<Advisory[]> {
  const issues = new IssueList();
  const warnings: FeedIssue[] = [];
  const byId = new Map<string, { advisory: Advisory; file: string }>();
  files.forEach((f) => {
    if (!f.name.toLowerCase().endsWith('.json')) {
      warnings.push({ file: f.name, message: 'skipped: not a .json file' });
      return;
    }
    const decoded = decodeUtf8(f.name, f.bytes);
    if (!decoded.ok) return issues.add(decoded.issue);
    const result = parseOsvJson(f.name, decoded.text);
    if (!result.ok) return result.issues.forEach((i) => issues.add(i));
    for (const advisory of result.value) {
      const seen = byId.get(advisory.id);
      if (seen) {
        warnings.push({ file: f.name, recordId: advisory.id, message: `also in ${seen.file}; the newer "modified" is kept` });
        if (Date.parse(advisory.modified) <= Date.parse(seen.advisory.modified)) continue;
      }
      byId.set(advisory.id, { advisory, file: f.name });
    }
  });
  if (issues.size > 0) return { ok: false, issues: issues.finish(files[0]?.name ?? '(no files)') };
  return { ok: true, value: [...byId.values()].map((v) => v.advisory), warnings };
}

/** Advisories from a zip as OSV publishes them per ecosystem (`<Ecosystem>/all.zip`: one JSON file per record). */
export function parseOsvZip(name: string, bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): FeedParseResult<Advisory[]> {
  const issues: FeedIssue[] = [];
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (info) => {
        if (info.name.endsWith('/') || !info.name.toLowerCase().endsWith('.json')) return false;
        if (info.originalSize > limits.maxEntryBytes) {
          issues.push({ file: `${name}!${info.name}`, message: `entry of ${info.originalSize} bytes exceeds the ${limits.maxEntryBytes}-byte limit` });
          return false;
        }
        total += info.originalSize;
        if (total > limits.maxTotalBytes) {
          issues.push({ file: name, message: `uncompressed JSON exceeds the ${limits.maxTotalBytes}-byte limit` });
          return false;
        }
        if (info.compression !== 0 && info.compression !== 8) {
          issues.push({ file: `${name}!${info.name}`, message: `unsupported zip compression method ${info.compression}` });
          return false;
        }
        return true;
      },
    });
  } catch (err) {
    return { ok: false, issues: [{ file: name, message: `not a readable zip archive: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (issues.length > 0) return { ok: false, issues };
  const files: FeedFile[] = Object.entries(entries)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([entry, data]) => ({ name: `${name}!${entry}`, bytes: data }));
  if (files.length === 0) return { ok: false, issues: [{ file: name, message: 'zip holds no .json entries' }] };
  return parseOsvFiles(files);
}
