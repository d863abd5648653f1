import { compareVersions, type AvailableUpdate, type InstalledPackage, type ManagerName, type Severity } from '@patchwave/shared';
import { nevraEvr } from '../rpmdb/nevra.js';
import type { RpmCandidate } from './parse-check-update.js';
import { isCveId, type AdvisoryEntry } from './parse-updateinfo.js';

const SEVERITY_RANK: Record<Severity, number> = { unspecified: 0, low: 1, moderate: 2, important: 3, critical: 4 };

export interface MergeInput {
  manager: ManagerName;
  installed: readonly InstalledPackage[];
  candidates: readonly RpmCandidate[];
  /** Every advisory entry the tool listed (any type, any state). */
  advisories: readonly AdvisoryEntry[];
  /** CVE listing (`--with-cve`): `id` is the CVE. dnf5's extended JSON carries `cves` on advisories instead. */
  cveEntries: readonly AdvisoryEntry[];
  /**
   * Whether the repositories carry updateinfo at all. Without it no update can be called
   * non-security, so every update says `security: 'unknown'`.
   */
  metadataPresent: boolean;
}

/**
 * Joins candidates with the installed versions and the repositories' advisories. An advisory
 * covers an update when it names the same package and architecture at a version newer than the
 * installed one and not newer than the candidate: upgrading to the candidate fixes it.
 */
export function mergeUpdates(input: MergeInput): AvailableUpdate[] {
  const installed = new Map(input.installed.map((p) => [`${p.name}.${p.arch}`, p.version]));
  const covers = (entry: AdvisoryEntry, c: RpmCandidate, from: string | null): boolean => {
    if (entry.nevra.name !== c.name || entry.nevra.arch !== c.arch) return false;
    const evr = nevraEvr(entry.nevra);
    return compareVersions('rpm', evr, c.evr) <= 0 && (from === null || compareVersions('rpm', evr, from) > 0);
  };
  return input.candidates.map((c) => {
    const from = installed.get(`${c.name}.${c.arch}`) ?? null;
    const hits = input.advisories.filter((a) => covers(a, c, from));
    const security = hits.filter((a) => a.type === 'security');
    const cves = new Set<string>();
    for (const a of hits) for (const cve of a.cves ?? []) if (isCveId(cve)) cves.add(cve.toUpperCase());
    for (const e of input.cveEntries) if (isCveId(e.id) && covers(e, c, from)) cves.add(e.id.toUpperCase());
    const update: AvailableUpdate = {
      manager: input.manager,
      name: c.name,
      arch: c.arch,
      installedVersion: from,
      candidateVersion: c.evr,
      security: security.length > 0 ? true : input.metadataPresent ? false : 'unknown',
      advisories: [...new Set(hits.map((a) => a.id))].sort(),
      cves: [...cves].sort(),
      origin: c.repo,
    };
    if (security.length > 0) {
      update.severity = security.reduce<Severity>((best, a) => (SEVERITY_RANK[a.severity] > SEVERITY_RANK[best] ? a.severity : best), 'unspecified');
    }
    return update;
  });
}
