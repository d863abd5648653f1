import { z } from 'zod';
import { jsonSyntaxIssue, zodIssues } from '../advisories/feed-issue.js';
import type { FeedParseResult } from '../advisories/feed-issue.js';
import { decodeUtf8 } from '../advisories/osv-files.js';
import type { FeedFile } from '../advisories/osv-files.js';
import { normalizeKb } from '../matching/kb-supersedence.js';
import type { SupersedenceEdge } from '../matching/kb-supersedence.js';

/**
 * Windows update supersedence as a feed file: the edges "KB X is superseded by KB Y" that WSUS
 * (`SupersededUpdates`) and the Microsoft Update Catalog publish, exported to JSON:
 *
 *   { "format": "patchwave-kb-supersedence/1", "source": "WSUS export 2025-06-10",
 *     "edges": [ { "kb": "KB5034441", "supersededBy": ["KB5035845"] } ] }
 *
 * KB ids are accepted as `KB5034441`, `kb5034441` or `5034441`.
 */

export const SUPERSEDENCE_FORMAT = 'patchwave-kb-supersedence/1';

const Kb = z.string().refine((s) => normalizeKb(s) !== null, { message: 'a KB id like KB5034441' });

const Document = z
  .object({
    format: z.literal(SUPERSEDENCE_FORMAT),
    source: z.string().max(1024).optional(),
    edges: z.array(z.object({ kb: Kb, supersededBy: z.array(Kb).min(1).max(10_000) }).strict()).max(1_000_000),
  })
  .strict();

export interface SupersedenceFeed {
  source: string | null;
  edges: SupersedenceEdge[];
}

/** Whether the file looks like a supersedence feed (checked on its first bytes, before parsing anything). */
export function looksLikeSupersedence(file: FeedFile): boolean {
  const head = Buffer.from(file.bytes.subarray(0, 512)).toString('utf8');
  return head.trimStart().startsWith('{') && /"format"\s*:\s*"patchwave-kb-supersedence\//.test(head);
}

export function parseSupersedenceFeed(file: FeedFile): FeedParseResult<SupersedenceFeed> {
  const decoded = decodeUtf8(file.name, file.bytes);
  if (!decoded.ok) return { ok: false, issues: [decoded.issue] };
  let doc: unknown;
  try {
    doc = JSON.parse(decoded.text);
  } catch (err) {
    return { ok: false, issues: [jsonSyntaxIssue(file.name, decoded.text, err)] };
  }
  const parsed = Document.safeParse(doc);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error, { file: file.name }).slice(0, 100) };
  return {
    ok: true,
    value: {
      source: parsed.data.source ?? null,
      edges: parsed.data.edges.map((e) => ({ kb: normalizeKb(e.kb) as string, supersededBy: e.supersededBy.map((s) => normalizeKb(s) as string) })),
    },
    warnings: [],
  };
}
