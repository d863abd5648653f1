import { Priority } from '@patchwave/shared';
import type { AvailableUpdate, FindingSeverity, PatchCatalogEntry } from '@patchwave/shared';
import { cveIdsOf } from '../advisories/advisory.js';
import { normalizeKb } from '../matching/kb-supersedence.js';
import { isActive } from './finding.js';
import type { Finding } from './finding.js';
import { updateFixes } from './fixes.js';
import { severityFromManager } from './severity.js';

/**
 * The patch catalog: the distinct updates available across the fleet (package@version, or KB),
 * how many devices need each, and which active findings each fixes. Sorted most urgent first:
 * by the best priority among the findings it fixes, then security updates before others, then by
 * how many devices need it.
 */

const SEVERITY_RANK: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];

export interface DeviceUpdates {
  deviceId: string;
  updates: readonly AvailableUpdate[];
}

export function buildPatchCatalog(devices: readonly DeviceUpdates[], findings: readonly Finding[], now: string): PatchCatalogEntry[] {
  const active = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!isActive(f, now)) continue;
    const list = active.get(f.deviceId);
    if (list) list.push(f);
    else active.set(f.deviceId, [f]);
  }
  const entries = new Map<string, PatchCatalogEntry & { seenSecurity: Set<string> }>();
  for (const d of devices) {
    for (const u of d.updates) {
      const kb = u.manager === 'windows-update' ? normalizeKb(u.name) : null;
      const key = `${u.manager}\u0000${kb ?? u.name}\u0000${u.arch}\u0000${u.candidateVersion}`;
      let e = entries.get(key);
      if (!e) {
        e = {
          kind: kb ? 'kb' : 'package', manager: u.manager, name: kb ?? u.name, arch: u.arch, version: u.candidateVersion,
          security: u.security, severity: 'unknown', advisories: [], cves: [], deviceCount: 0, deviceIds: [], findingCount: 0,
          findingIds: [], topPriority: null, kev: false, seenSecurity: new Set(),
        };
        entries.set(key, e);
      }
      e.seenSecurity.add(String(u.security));
      if (!e.deviceIds.includes(d.deviceId)) e.deviceIds.push(d.deviceId);
      const sev = severityFromManager(u.severity);
      if (SEVERITY_RANK.indexOf(sev) < SEVERITY_RANK.indexOf(e.severity)) e.severity = sev;
      for (const a of u.advisories) if (!e.advisories.includes(a)) e.advisories.push(a);
      e.cves = cveIdsOf([...e.cves, ...u.cves]);
      for (const f of active.get(d.deviceId) ?? []) {
        if (!updateFixes(u, f) || e.findingIds.includes(f.id)) continue;
        e.findingIds.push(f.id);
        e.cves = cveIdsOf([...e.cves, ...f.cves]);
        if (f.threat.kev) e.kev = true;
        if (!e.topPriority || Priority.options.indexOf(f.score.priority) < Priority.options.indexOf(e.topPriority)) e.topPriority = f.score.priority;
        if (SEVERITY_RANK.indexOf(f.severity) < SEVERITY_RANK.indexOf(e.severity)) e.severity = f.severity;
      }
    }
  }
  const rank = (p: PatchCatalogEntry['topPriority']): number => (p ? Priority.options.indexOf(p) : 9);
  const sec = (s: PatchCatalogEntry['security']): number => (s === true ? 0 : s === 'unknown' ? 1 : 2);
  return [...entries.values()]
    .map(({ seenSecurity, ...e }) => ({
      ...e,
      security: seenSecurity.has('true') ? true : seenSecurity.has('unknown') ? 'unknown' : false,
      deviceCount: e.deviceIds.length,
      findingCount: e.findingIds.length,
    }) as PatchCatalogEntry)
    .sort((a, b) => rank(a.topPriority) - rank(b.topPriority) || sec(a.security) - sec(b.security) || b.deviceCount - a.deviceCount || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
