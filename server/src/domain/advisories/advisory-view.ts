import { LIMITS } from '@patchwave/shared';
import type { AdvisoryView } from '@patchwave/shared';
import type { Advisory } from './advisory.js';
import { fixedVersionsOf } from './advisory.js';

/** Lists in a view are capped (an advisory can name thousands of packages); the stored advisory keeps all. */
const MAX = LIMITS.smallList;

/** The API/console view of an advisory: identity, dates, scores and per-package fixes, not the raw ranges. */
export function toAdvisoryView(a: Advisory): AdvisoryView {
  return {
    id: a.id,
    source: a.source,
    summary: a.summary.slice(0, 1024),
    ...(a.details ? { details: a.details.slice(0, 65_536) } : {}),
    published: a.published,
    modified: a.modified,
    withdrawn: a.withdrawn,
    aliases: a.aliases.slice(0, MAX),
    cves: a.cves.slice(0, MAX),
    cvss: a.cvss.slice(0, 16),
    severityLabel: a.severityLabel === null ? null : a.severityLabel.slice(0, 64),
    references: a.references.slice(0, MAX),
    affected: a.affected.slice(0, MAX).map((x) => ({
      ecosystem: x.ecosystem,
      name: x.name,
      fixedVersions: fixedVersionsOf(x).slice(0, MAX),
      rangeCount: x.ranges.length,
      versionCount: x.versions.length,
    })),
  };
}
