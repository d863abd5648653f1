import { createHash } from 'node:crypto';
import type { FeedImportSourceView } from '@patchwave/shared';
import type { Advisory } from '../advisories/advisory.js';
import type { EpssFeed } from '../advisories/epss.js';
import { parseFeedFiles } from '../advisories/feed-file.js';
import { FeedInvalidError, IssueList, formatIssue } from '../advisories/feed-issue.js';
import type { FeedIssue } from '../advisories/feed-issue.js';
import type { KevCatalog } from '../advisories/kev.js';
import type { FeedFile } from '../advisories/osv-files.js';
import type { SupersedenceEdge } from '../matching/kb-supersedence.js';
import { looksLikeSupersedence, parseSupersedenceFeed } from './supersedence-feed.js';

/** Everything one import brings, with the file each record came from (provenance). */
export interface ParsedImport {
  advisories: { advisory: Advisory; file: string }[];
  kev: { catalog: KevCatalog; file: string } | null;
  epss: { feed: EpssFeed; file: string } | null;
  supersedence: { edges: SupersedenceEdge[]; file: string }[];
  sources: FeedImportSourceView[];
  warnings: { file: string; message: string }[];
}

const MAX_WARNINGS = 100;

/**
 * Parses every file of an import, all or nothing: any issue in any file rejects the import with
 * `FeedInvalidError` (`E_FEED_INVALID`) listing the issues (file, line, record, field), and nothing
 * is stored. Files are recognised by content (OSV JSON or zip, KEV JSON, EPSS CSV(.gz), supersedence
 * JSON); of an advisory given twice the newer `modified` wins.
 */
export function parseImportFiles(files: readonly FeedFile[], urls: ReadonlyMap<string, string> = new Map()): ParsedImport {
  const issues = new IssueList();
  const warnings: FeedIssue[] = [];
  const out: ParsedImport = { advisories: [], kev: null, epss: null, supersedence: [], sources: [], warnings: [] };
  const byId = new Map<string, { advisory: Advisory; file: string }>();
  if (files.length === 0) issues.add({ file: '(none)', message: 'no feed files given' });
  for (const file of files) {
    const source = { name: file.name, bytes: file.bytes.length, sha256: createHash('sha256').update(file.bytes).digest('hex'), ...(urls.has(file.name) ? { url: urls.get(file.name) } : {}) };
    if (looksLikeSupersedence(file)) {
      const r = parseSupersedenceFeed(file);
      if (!r.ok) r.issues.forEach((i) => issues.add(i));
      else {
        out.supersedence.push({ edges: r.value.edges, file: file.name });
        out.sources.push({ ...source, kind: 'kb-supersedence', records: r.value.edges.length });
      }
      continue;
    }
    const r = parseFeedFiles([file]);
    if (!r.ok) {
      r.issues.forEach((i) => issues.add(i));
      continue;
    }
    warnings.push(...r.warnings);
    const b = r.value;
    const kind = b.files[0]?.kind ?? 'osv';
    if (b.kev) {
      if (out.kev) issues.add({ file: file.name, message: `a second KEV catalog in one import (the first is ${out.kev.file})` });
      else out.kev = { catalog: b.kev, file: file.name };
    }
    if (b.epss) {
      if (out.epss) issues.add({ file: file.name, message: `a second EPSS file in one import (the first is ${out.epss.file})` });
      else out.epss = { feed: b.epss, file: file.name };
    }
    for (const advisory of b.advisories) {
      const seen = byId.get(advisory.id);
      if (seen) warnings.push({ file: file.name, recordId: advisory.id, message: `also in ${seen.file}; the newer "modified" is kept` });
      if (!seen || Date.parse(advisory.modified) > Date.parse(seen.advisory.modified)) byId.set(advisory.id, { advisory, file: file.name });
    }
    out.sources.push({ ...source, kind, records: b.kev?.entries.length ?? b.epss?.scores.length ?? b.advisories.length });
  }
  if (issues.size > 0) throw new FeedInvalidError(issues.finish(files[0]?.name ?? '(none)'));
  out.advisories = [...byId.values()];
  out.warnings = warnings.slice(0, MAX_WARNINGS).map((w) => ({ file: w.file, message: formatIssue(w) }));
  if (warnings.length > MAX_WARNINGS) out.warnings.push({ file: '(import)', message: `${warnings.length - MAX_WARNINGS} further warnings not listed` });
  return out;
}
