import type { InstalledPackage, ManagerName } from '@patchwave/shared';
import { compareVersions, PACKAGE_CHANGES, packageKey, schemeForManager } from '@patchwave/shared';

export { PACKAGE_CHANGES };
export type PackageChangeKind = (typeof PACKAGE_CHANGES)[number];

/** One observed change of an installed package: the raw material of compliance history. */
export interface PackageChange {
  manager: ManagerName;
  name: string;
  arch: string;
  change: PackageChangeKind;
  fromVersion: string | null;
  toVersion: string | null;
  observedAt: Date;
}

/** An installed package as stored: with the time its current version was first observed. */
export interface StoredPackage extends InstalledPackage {
  since: Date;
}

export interface InventoryDiff {
  /** Packages to write (new, or changed in version or source), with their `since`. */
  upsert: StoredPackage[];
  remove: { manager: ManagerName; name: string; arch: string }[];
  changes: PackageChange[];
}

function sameContent(a: InstalledPackage, b: InstalledPackage): boolean {
  return a.version === b.version && a.source?.name === b.source?.name && a.source?.version === b.source?.version;
}

/**
 * Diffs what is stored against what the agent now reports. A version change is an upgrade or a
 * downgrade by the manager's own ordering (equal-ordering but different strings count as an
 * upgrade); a source-only change is stored but is not history.
 */
export function diffInventory(stored: readonly StoredPackage[], next: readonly InstalledPackage[], at: Date): InventoryDiff {
  const before = new Map(stored.map((p) => [packageKey(p), p]));
  const seen = new Set<string>();
  const upsert: StoredPackage[] = [];
  const changes: PackageChange[] = [];
  for (const pkg of next) {
    const key = packageKey(pkg);
    if (seen.has(key)) continue;
    seen.add(key);
    const old = before.get(key);
    if (!old) {
      upsert.push({ ...pkg, since: at });
      changes.push({ manager: pkg.manager, name: pkg.name, arch: pkg.arch, change: 'installed', fromVersion: null, toVersion: pkg.version, observedAt: at });
      continue;
    }
    if (sameContent(old, pkg)) continue;
    if (old.version === pkg.version) {
      upsert.push({ ...pkg, since: old.since });
      continue;
    }
    const order = compareVersions(schemeForManager(pkg.manager), old.version, pkg.version);
    upsert.push({ ...pkg, since: at });
    changes.push({
      manager: pkg.manager,
      name: pkg.name,
      arch: pkg.arch,
      change: order > 0 ? 'downgraded' : 'upgraded',
      fromVersion: old.version,
      toVersion: pkg.version,
      observedAt: at,
    });
  }
  const remove: InventoryDiff['remove'] = [];
  for (const [key, old] of before) {
    if (seen.has(key)) continue;
    remove.push({ manager: old.manager, name: old.name, arch: old.arch });
    changes.push({ manager: old.manager, name: old.name, arch: old.arch, change: 'removed', fromVersion: old.version, toVersion: null, observedAt: at });
  }
  return { upsert, remove, changes };
}
