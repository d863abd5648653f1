import type { CvssScore } from '@patchwave/shared';

/** One event of an OSV range, kept in the order the record gives them. */
export type RangeEvent =
  | { introduced: string }
  | { fixed: string }
  | { last_affected: string }
  | { limit: string };

export interface AffectedRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  events: RangeEvent[];
}

/** An advisory's statement about one package in one ecosystem. */
export interface AffectedPackage {
  /** OSV ecosystem string exactly as published (`Debian:12`, `Red Hat:enterprise_linux:9::baseos`). */
  ecosystem: string;
  /** Package name as published: a source package for Debian/Ubuntu/Alpine/SUSE/Rocky/Alma. */
  name: string;
  purl?: string;
  ranges: AffectedRange[];
  /** Enumerated affected versions (OSV `versions`). */
  versions: string[];
  /** Binary packages built from `name` with the version that fixes each (Ubuntu, SUSE). */
  binaries: { name: string; fixedVersion?: string }[];
  /** Per-package CVSS (OSV `affected[].severity`), when the record has it. */
  cvss: CvssScore[];
  ecosystemSpecific?: Record<string, unknown>;
  databaseSpecific?: Record<string, unknown>;
}

/** A normalised advisory from any source; OSV is the reference shape. */
export interface Advisory {
  id: string;
  source: 'osv';
  modified: string;
  published: string | null;
  withdrawn: string | null;
  summary: string;
  details: string;
  aliases: string[];
  /** Upstream and related ids (OSV 1.7 `upstream`, `related`). */
  related: string[];
  /** CVE ids from the id itself, aliases, upstream and related. */
  cves: string[];
  cvss: CvssScore[];
  /** A distribution's own rating (Ubuntu `severity[type=Ubuntu]`, Debian urgency). */
  severityLabel: string | null;
  references: { type: string; url: string }[];
  affected: AffectedPackage[];
  databaseSpecific?: Record<string, unknown>;
}

const CVE = /^CVE-\d{4}-\d{4,19}$/;

export function cveIdsOf(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((i) => CVE.test(i)))].sort();
}

export function isCveId(value: string): boolean {
  return CVE.test(value);
}

/** Fixed versions an affected package names, in record order and without repeats. */
export function fixedVersionsOf(a: AffectedPackage): string[] {
  const out = new Set<string>();
  for (const r of a.ranges) for (const e of r.events) if ('fixed' in e) out.add(e.fixed);
  return [...out];
}
