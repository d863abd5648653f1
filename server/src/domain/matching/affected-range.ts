import { compareVersions } from '@patchwave/shared';
import type { VersionScheme } from '@patchwave/shared';
import type { AffectedPackage, RangeEvent } from '../advisories/advisory.js';

/**
 * OSV's evaluation of `affected[]` for one version (osv-schema "Evaluation"): a version is
 * affected when it is listed in `versions`, or when, walking a range's events in version order,
 * the last event at or below it is an `introduced` (`fixed` excludes itself, `last_affected`
 * includes itself). Only ECOSYSTEM ranges are evaluated: SEMVER ranges belong to language
 * ecosystems and GIT ranges to commits, neither of which an OS package manager reports.
 */

type Kind = 'introduced' | 'fixed' | 'last_affected';
interface SortedEvent {
  kind: Kind;
  /** Version; `null` for `introduced: "0"` (before everything). */
  version: string | null;
}

export interface CompiledAffected {
  advisoryId: string;
  /** Index of this entry in the advisory's `affected[]`, to find it back. */
  affectedIndex: number;
  ecosystemKey: string;
  name: string;
  scheme: VersionScheme;
  ranges: SortedEvent[][];
  versions: ReadonlySet<string>;
}

export interface AffectedVerdict {
  via: 'range' | 'versions';
  /** The lowest `fixed` above the installed version in the range that matched; null when none. */
  fixedVersion: string | null;
}

function kindOf(e: RangeEvent): { kind: Kind; version: string } | null {
  if ('introduced' in e) return { kind: 'introduced', version: e.introduced };
  if ('fixed' in e) return { kind: 'fixed', version: e.fixed };
  if ('last_affected' in e) return { kind: 'last_affected', version: e.last_affected };
  return null;
}

const NO_VERSIONS: ReadonlySet<string> = new Set();

export function compileAffected(
  advisoryId: string,
  affectedIndex: number,
  a: AffectedPackage,
  ecosystemKey: string,
  scheme: VersionScheme,
): CompiledAffected {
  const ranges: SortedEvent[][] = [];
  for (const r of a.ranges) {
    if (r.type !== 'ECOSYSTEM') continue;
    const events: SortedEvent[] = [];
    for (const e of r.events) {
      const k = kindOf(e);
      if (!k) continue;
      events.push({ kind: k.kind, version: k.kind === 'introduced' && k.version === '0' ? null : k.version });
    }
    // Stable sort by version; at equal versions keep record order (introduced before fixed, as published).
    events.sort((x, y) => (x.version === null ? (y.version === null ? 0 : -1) : y.version === null ? 1 : compareVersions(scheme, x.version, y.version)));
    ranges.push(events);
  }
  return { advisoryId, affectedIndex, ecosystemKey, name: a.name, scheme, ranges, versions: a.versions.length === 0 ? NO_VERSIONS : new Set(a.versions) };
}

export function evaluateAffected(c: CompiledAffected, version: string): AffectedVerdict | null {
  for (const events of c.ranges) {
    let affected = false;
    let at = events.length;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as SortedEvent;
      const cmp = e.version === null ? 1 : compareVersions(c.scheme, version, e.version);
      if (e.kind === 'introduced') {
        if (cmp >= 0) affected = true;
        else break;
      } else if (e.kind === 'fixed') {
        if (cmp >= 0) affected = false;
        else {
          at = i;
          break;
        }
      } else if (cmp > 0) {
        affected = false;
      } else {
        at = i;
        break;
      }
    }
    if (affected) {
      let fixedVersion: string | null = null;
      for (let i = at; i < events.length; i++) {
        const e = events[i] as SortedEvent;
        if (e.kind === 'fixed' && e.version !== null && compareVersions(c.scheme, version, e.version) < 0) {
          fixedVersion = e.version;
          break;
        }
        if (e.kind === 'introduced') break;
      }
      return { via: 'range', fixedVersion };
    }
  }
  if (c.versions.has(version)) {
    const fixedVersion = c.ranges.flat().find((e) => e.kind === 'fixed' && e.version !== null && compareVersions(c.scheme, version, e.version) < 0)?.version ?? null;
    return { via: 'versions', fixedVersion };
  }
  return null;
}
