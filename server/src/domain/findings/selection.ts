import type { AvailableUpdate, FindingSelection, ResolvedSelection } from '@patchwave/shared';
import { isActive } from './finding.js';
import type { Finding } from './finding.js';
import { fixesFor, updateKey } from './fixes.js';

/**
 * Deployment selections in terms of findings ("everything that fixes P1 findings", "fixes
 * CVE-2024-1234", "fixes KEV findings") resolved to the concrete package versions each device
 * must install. Only active findings count (open or overdue, or an accepted risk whose exception
 * expired): a deployment does not chase accepted risks or fixed findings.
 */

export function selects(sel: FindingSelection, f: Finding): boolean {
  switch (sel.kind) {
    case 'priority':
      return sel.priorities.includes(f.score.priority);
    case 'cve':
      return f.cves.some((c) => sel.cves.includes(c));
    case 'kev':
      return f.threat.kev !== null;
    case 'advisory':
      return sel.advisoryIds.includes(f.advisoryId);
    case 'finding':
      return sel.findingIds.includes(f.id);
  }
}

export function resolveSelection(
  sel: FindingSelection,
  findings: readonly Finding[],
  updatesOf: (deviceId: string) => readonly AvailableUpdate[],
  now: string,
): ResolvedSelection {
  const devices = new Map<string, Map<string, ResolvedSelection['devices'][number]['packages'][number]>>();
  const unresolved: ResolvedSelection['unresolved'] = [];
  for (const f of findings) {
    if (!isActive(f, now) || !selects(sel, f)) continue;
    const verdicts = fixesFor(f, updatesOf(f.deviceId));
    const failed = verdicts.find((v) => !v.fixes);
    if (failed && !failed.fixes) unresolved.push({ findingId: f.id, deviceId: f.deviceId, reason: failed.reason });
    let pkgs = devices.get(f.deviceId);
    for (const v of verdicts) {
      if (!v.fixes) continue;
      if (!pkgs) devices.set(f.deviceId, (pkgs = new Map()));
      const key = updateKey(v.update);
      const existing = pkgs.get(key);
      if (existing) {
        if (!existing.fixes.includes(f.id)) existing.fixes.push(f.id);
      } else {
        pkgs.set(key, { manager: v.update.manager, name: v.update.name, arch: v.update.arch, version: v.update.candidateVersion, fixes: [f.id] });
      }
    }
  }
  return {
    devices: [...devices]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([deviceId, pkgs]) => ({ deviceId, packages: [...pkgs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) })),
    unresolved,
  };
}
