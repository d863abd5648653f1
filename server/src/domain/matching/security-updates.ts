import { compareVersions, schemeForManager } from '@patchwave/shared';
import type { AvailableUpdate, InstalledPackage, ManagerName, Severity } from '@patchwave/shared';
import { cveIdsOf } from '../advisories/advisory.js';
import { normalizeKb } from './kb-supersedence.js';
import type { SupersedenceGraph } from './kb-supersedence.js';
import type { MatchHit } from './matcher.js';

/**
 * Findings from the package managers' own security metadata, as agents report it in
 * `AvailableUpdate` (apt security origin, dnf/yum updateinfo, zypper patches, Windows Update).
 * One hit per (advisory id, package group); an update with no advisory id (apt: security origin
 * only) gets the id `<manager>:<package>`, so that one package's successive security updates stay
 * one finding. Updates whose `security` is `unknown` or false are not findings.
 */
export interface SecurityHit extends MatchHit {
  source: 'package-manager' | 'kb';
  cves: string[];
  advisories: string[];
  severity: Severity | null;
  title: string | null;
}

export interface SecurityHitsResult {
  hits: SecurityHit[];
  /** Windows updates offered but already covered by an installed superseding update: not missing. */
  suppressed: { kb: string; coveredBy: string }[];
}

export function installedKbs(installed: readonly InstalledPackage[]): Set<string> {
  const out = new Set<string>();
  for (const p of installed) {
    if (p.manager !== 'windows-update') continue;
    const kb = normalizeKb(p.name);
    if (kb) out.add(kb);
  }
  return out;
}

function mergeInto(map: Map<string, SecurityHit>, hit: SecurityHit, manager: ManagerName): void {
  const id = `${hit.advisoryId}\u0000${hit.group}`;
  const h = map.get(id);
  if (!h) {
    map.set(id, hit);
    return;
  }
  const scheme = schemeForManager(manager);
  for (const b of hit.binaries) if (!h.binaries.some((x) => x.name === b.name && x.arch === b.arch)) h.binaries.push(b);
  if (hit.fixedVersion && (!h.fixedVersion || compareVersions(scheme, hit.fixedVersion, h.fixedVersion) > 0)) h.fixedVersion = hit.fixedVersion;
  if (compareVersions(scheme, hit.installedVersion, h.installedVersion) < 0) h.installedVersion = hit.installedVersion;
  h.cves = [...new Set([...h.cves, ...hit.cves])].sort();
}

export function securityUpdateHits(
  deviceId: string,
  installed: readonly InstalledPackage[],
  updates: readonly AvailableUpdate[],
  supersedence: SupersedenceGraph,
): SecurityHitsResult {
  const kbs = installedKbs(installed);
  const sourceOf = new Map(installed.map((p) => [`${p.manager}\u0000${p.name}\u0000${p.arch}`, p.source?.name]));
  const hits = new Map<string, SecurityHit>();
  const suppressed: SecurityHitsResult['suppressed'] = [];
  for (const u of updates) {
    if (u.security !== true) continue;
    const cves = cveIdsOf(u.cves);
    if (u.manager === 'windows-update') {
      const kb = normalizeKb(u.name) ?? u.advisories.map(normalizeKb).find((k) => k !== null) ?? null;
      if (!kb) continue;
      const cover = supersedence.coveredBy(kb, kbs);
      if (cover.covered) {
        suppressed.push({ kb, coveredBy: cover.by as string });
        continue;
      }
      mergeInto(hits, {
        deviceId, advisoryId: kb, ecosystem: 'windows-update', group: kb, installedVersion: '', fixedVersion: kb,
        binaries: [], via: 'range', source: 'kb', cves, advisories: u.advisories, severity: u.severity ?? null, title: u.title ?? null,
      }, u.manager);
      continue;
    }
    const group = sourceOf.get(`${u.manager}\u0000${u.name}\u0000${u.arch}`) || u.name;
    const ids = u.advisories.length > 0 ? u.advisories : [`${u.manager}:${group}`];
    for (const advisoryId of ids) {
      mergeInto(hits, {
        deviceId, advisoryId, ecosystem: u.manager, group,
        installedVersion: u.installedVersion ?? '',
        fixedVersion: u.candidateVersion,
        binaries: [{ manager: u.manager, name: u.name, arch: u.arch, version: u.installedVersion ?? '' }],
        via: 'range', source: 'package-manager', cves, advisories: u.advisories, severity: u.severity ?? null, title: u.title ?? null,
      }, u.manager);
    }
  }
  return { hits: [...hits.values()], suppressed };
}

/** An MSRC-style advisory: a CVE fixed, per OS build, by any of the listed updates. */
export interface KbAdvisory {
  id: string;
  cves: string[];
  severity: Severity | null;
  published: string | null;
  /** OS builds it applies to (`19045`, `22631`). */
  builds: string[];
  /** Updates that fix it; any one installed, or superseded by an installed one, covers it. */
  fixedBy: string[];
}

/** KB advisories that apply to `build` and that nothing installed covers, supersedence included. */
export function missingKbHits(
  deviceId: string,
  build: string,
  installed: readonly InstalledPackage[],
  advisories: readonly KbAdvisory[],
  supersedence: SupersedenceGraph,
): SecurityHitsResult {
  const kbs = installedKbs(installed);
  const hits: SecurityHit[] = [];
  const suppressed: SecurityHitsResult['suppressed'] = [];
  for (const a of advisories) {
    if (!a.builds.includes(build)) continue;
    const fixes = a.fixedBy.map(normalizeKb).filter((k): k is string => k !== null);
    if (fixes.length === 0) continue;
    const cover = fixes.map((kb) => ({ kb, ...supersedence.coveredBy(kb, kbs) })).find((c) => c.covered);
    if (cover) {
      if (cover.by !== cover.kb) suppressed.push({ kb: cover.kb, coveredBy: cover.by as string });
      continue;
    }
    const kb = fixes[fixes.length - 1] as string;
    hits.push({
      deviceId, advisoryId: a.id, ecosystem: 'windows-update', group: kb, installedVersion: '', fixedVersion: kb,
      binaries: [], via: 'range', source: 'kb', cves: cveIdsOf(a.cves), advisories: fixes, severity: a.severity, title: null,
    });
  }
  return { hits, suppressed };
}
