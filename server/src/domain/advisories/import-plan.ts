import { createHash } from 'node:crypto';
import { canonicalJson } from '@patchwave/shared';
import type { Advisory } from './advisory.js';
import type { EpssFeed, EpssScore } from './epss.js';
import type { KevCatalog, KevEntry } from './kev.js';

/**
 * What an import would change, computed before anything is written: storage applies `upsert` and
 * `remove` in one transaction, and the counts are what the operator is told. Re-importing the same
 * file is a no-op (all unchanged).
 */
export interface ImportCounts {
  new: number;
  updated: number;
  unchanged: number;
  /** Present in storage, absent from a feed that replaces its whole set (KEV, EPSS). */
  removed: number;
  /** Older than the stored copy (`modified` went backwards): kept as stored. */
  older: number;
}

export interface ImportPlan<T> {
  upsert: { item: T; hash: string; isNew: boolean }[];
  remove: string[];
  counts: ImportCounts;
}

/** Content hash of any record: SHA-256 of its canonical JSON. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export interface StoredVersion {
  hash: string;
  /** `modified` of the stored advisory; absent for KEV/EPSS rows. */
  modified?: string;
}

function plan<T>(
  incoming: readonly T[],
  keyOf: (t: T) => string,
  stored: (key: string) => StoredVersion | undefined,
  opts: { replaceAll: boolean; storedKeys?: () => Iterable<string>; modifiedOf?: (t: T) => string },
): ImportPlan<T> {
  const counts: ImportCounts = { new: 0, updated: 0, unchanged: 0, removed: 0, older: 0 };
  const upsert: ImportPlan<T>['upsert'] = [];
  const keys = new Set<string>();
  for (const item of incoming) {
    const key = keyOf(item);
    keys.add(key);
    const hash = contentHash(item);
    const before = stored(key);
    if (!before) {
      counts.new += 1;
      upsert.push({ item, hash, isNew: true });
    } else if (before.hash === hash) {
      counts.unchanged += 1;
    } else if (opts.modifiedOf && before.modified && Date.parse(opts.modifiedOf(item)) < Date.parse(before.modified)) {
      counts.older += 1;
    } else {
      counts.updated += 1;
      upsert.push({ item, hash, isNew: false });
    }
  }
  const remove: string[] = [];
  if (opts.replaceAll && opts.storedKeys) {
    for (const key of opts.storedKeys()) if (!keys.has(key)) remove.push(key);
    counts.removed = remove.length;
  }
  return { upsert, remove, counts };
}

/** OSV advisories are upserted by id; an import never deletes advisories (a feed withdraws them instead). */
export function planAdvisoryImport(incoming: readonly Advisory[], stored: (id: string) => StoredVersion | undefined): ImportPlan<Advisory> {
  return plan(incoming, (a) => a.id, stored, { replaceAll: false, modifiedOf: (a) => a.modified });
}

/** A KEV catalog is the whole list: entries missing from it are removed. */
export function planKevImport(
  catalog: KevCatalog,
  stored: (cve: string) => StoredVersion | undefined,
  storedKeys: () => Iterable<string>,
): ImportPlan<KevEntry> {
  return plan(catalog.entries, (e) => e.cve, stored, { replaceAll: true, storedKeys });
}

/** An EPSS file is the whole day's list; an older score date than the stored one is refused by the caller. */
export function planEpssImport(
  feed: EpssFeed,
  stored: (cve: string) => StoredVersion | undefined,
  storedKeys: () => Iterable<string>,
): ImportPlan<EpssScore> {
  return plan(feed.scores, (s) => s.cve, stored, { replaceAll: true, storedKeys });
}
