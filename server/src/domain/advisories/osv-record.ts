import { z } from 'zod';

/**
 * The OSV record as published (https://ossf.github.io/osv-schema/, schema 1.7). Unknown keys are
 * ignored, as the schema asks of consumers; what matching relies on is checked strictly.
 */

const str = (max = 1024) => z.string().max(max);
/** RFC 3339 with `Z` or an offset; any sub-second precision (Ubuntu publishes microseconds). */
const timestamp = z.iso.datetime({ offset: true });
const version = z.string().min(1).max(256);
const json = z.record(z.string(), z.unknown());

const Event = z.union([
  z.strictObject({ introduced: version }),
  z.strictObject({ fixed: version }),
  z.strictObject({ last_affected: version }),
  z.strictObject({ limit: version }),
], { error: 'an event has exactly one of introduced, fixed, last_affected, limit' });

const Range = z
  .object({
    type: z.enum(['ECOSYSTEM', 'SEMVER', 'GIT']),
    repo: str(2048).optional(),
    events: z.array(Event).min(1).max(10_000),
    database_specific: json.optional(),
  })
  .superRefine((r, ctx) => {
    if (!r.events.some((e) => 'introduced' in e)) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: 'a range needs at least one "introduced" event' });
    }
    if (r.type === 'GIT' && !r.repo) ctx.addIssue({ code: 'custom', path: ['repo'], message: 'a GIT range needs "repo"' });
    if (r.type !== 'GIT' && r.events.some((e) => 'limit' in e)) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: '"limit" events are only defined for GIT ranges' });
    }
  });

export const OsvSeverity = z.object({
  type: z.enum(['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu']),
  score: str(512).min(1),
});

const Affected = z.object({
  package: z.object({
    ecosystem: str(256).min(1),
    name: str(256).min(1),
    purl: str(2048).optional(),
  }),
  severity: z.array(OsvSeverity).max(16).optional(),
  ranges: z.array(Range).max(1_000).optional(),
  versions: z.array(version).max(100_000).optional(),
  ecosystem_specific: json.optional(),
  database_specific: json.optional(),
});

export const OsvRecord = z.object({
  schema_version: str(32).optional(),
  id: z.string().min(1).max(256).regex(/^\S+$/, 'an id has no whitespace'),
  modified: timestamp,
  published: timestamp.optional(),
  withdrawn: timestamp.optional(),
  aliases: z.array(str(256)).max(1_000).nullish(),
  related: z.array(str(256)).max(10_000).nullish(),
  upstream: z.array(str(256)).max(10_000).nullish(),
  summary: str(4096).optional(),
  details: str(1_000_000).optional(),
  severity: z.array(OsvSeverity).max(16).nullish(),
  affected: z.array(Affected).max(100_000).nullish(),
  references: z
    .array(z.object({ type: str(64), url: str(4096) }))
    .max(10_000)
    .nullish(),
  database_specific: json.optional(),
});
export type OsvRecord = z.infer<typeof OsvRecord>;
