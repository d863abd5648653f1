import { compareVersions, type AvailableUpdate, type InstalledPackage, type Severity } from '@patchwave/shared';
import { normalizeEvr } from '../rpmdb/nevra.js';
import type { PatchPackages } from './parse-patch-info.js';
import type { ZypperPackageUpdate, ZypperPatch } from './parse-updates.js';

const RANK: Record<Severity, number> = { unspecified: 0, low: 1, moderate: 2, important: 3, critical: 4 };

/**
 * Joins package updates with the needed patches that fix them. A patch covers an update when it
 * conflicts with the installed version (`pkg < fixed`, installed < fixed) and the candidate
 * reaches the fixed version. Without any patch metadata (openSUSE Tumbleweed, third-party
 * repositories) security is `unknown`; with it, an update no patch covers is not a security fix.
 */
export function mergeZypperUpdates(
  updates: readonly ZypperPackageUpdate[],
  installed: readonly InstalledPackage[],
  patches: readonly ZypperPatch[],
  contents: readonly PatchPackages[],
): AvailableUpdate[] {
  const metadataPresent = patches.length > 0;
  const needed = patches.filter((p) => p.status === 'needed');
  return updates.map((u) => {
    const from = u.editionOld ?? installed.find((p) => p.name === u.name && (p.arch === u.arch || !u.arch))?.version ?? null;
    const candidate = normalizeEvr(u.edition);
    const covering = needed.filter((p) =>
      contents
        .find((c) => c.id === p.id)
        ?.packages.some(
          (pkg) =>
            pkg.name === u.name &&
            (pkg.arch === undefined || pkg.arch === u.arch) &&
            compareVersions('rpm', candidate, pkg.below) >= 0 &&
            (from === null || compareVersions('rpm', from, pkg.below) < 0),
        ),
    );
    const security = covering.filter((p) => p.category === 'security');
    const update: AvailableUpdate = {
      manager: 'zypper',
      name: u.name,
      arch: u.arch,
      installedVersion: from === null ? null : normalizeEvr(from),
      candidateVersion: candidate,
      security: security.length > 0 ? true : metadataPresent ? false : 'unknown',
      advisories: [...new Set(covering.map((p) => p.id))].sort(),
      cves: [...new Set(covering.flatMap((p) => p.cves))].sort(),
    };
    if (u.repo) update.origin = u.repo;
    if (u.summary) update.title = u.summary.slice(0, 1024);
    if (security.length > 0) update.severity = security.reduce<Severity>((best, p) => (RANK[p.severity] > RANK[best] ? p.severity : best), 'unspecified');
    if (covering.some((p) => p.restart)) update.rebootRequired = true;
    return update;
  });
}
