import type { InstalledPackage, ManagerName, PackageDelta } from '@patchwave/shared';
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

/** Adds what turning `old` into `pkg` means to the diff (nothing when they are the same). */
function record(diff: InventoryDiff, old: StoredPackage | undefined, pkg: InstalledPackage, at: Date): void {
  if (!old) {
    diff.upsert.push({ ...pkg, since: at });
    diff.changes.push({ manager: pkg.manager, name: pkg.name, arch: pkg.arch, change: 'installed', fromVersion: null, toVersion: pkg.version, observedAt: at });
    return;
  }
  if (sameContent(old, pkg)) return;
  if (old.version === pkg.version) {
    diff.upsert.push({ ...pkg, since: old.since });
    return;
  }
  const order = compareVersions(schemeForManager(pkg.manager), old.version, pkg.version);
  diff.upsert.push({ ...pkg, since: at });
  diff.changes.push({
    manager: pkg.manager,
    name: pkg.name,
    arch: pkg.arch,
    change: order > 0 ? 'downgraded' : 'upgraded',
    fromVersion: old.version,
    toVersion: pkg.version,
    observedAt: at,
  });
}

function recordRemoval(diff: InventoryDiff, old: StoredPackage, at: Date): void {
  diff.remove.push({ manager: old.manager, name: old.name, arch: old.arch });
  diff.changes.push({ manager: old.manager, name: old.name, arch: old.arch, change: 'removed', fromVersion: old.version, toVersion: null, observedAt: at });
}

/**
 * Diffs what is stored against what the agent now reports. A version change is an upgrade or a
 * downgrade by the manager's own ordering (equal-ordering but different strings count as an
 * upgrade); a source-only change is stored but is not history.
 */
export function diffInventory(stored: readonly StoredPackage[], next: readonly InstalledPackage[], at: Date): InventoryDiff {
  const before = new Map(stored.map((p) => [packageKey(p), p]));
  const seen = new Set<string>();
  const diff: InventoryDiff = { upsert: [], remove: [], changes: [] };
  for (const pkg of next) {
    const key = packageKey(pkg);
    if (seen.has(key)) continue;
    seen.add(key);
    record(diff, before.get(key), pkg, at);
  }
  for (const [key, old] of before) if (!seen.has(key)) recordRemoval(diff, old, at);
  return diff;
}

/**
 * `diffInventory(stored, applyPackageDelta(stored, delta), at)`, looking only at the packages the
 * delta names: the rest of a delta-reported inventory is by definition what is stored.
 */
export function diffDelta(stored: readonly StoredPackage[], delta: PackageDelta, at: Date): InventoryDiff {
  const diff: InventoryDiff = { upsert: [], remove: [], changes: [] };
  // What the delta leaves under each key it names; an upsert wins over a removal, as when applied.
  const named = new Map<string, InstalledPackage | null>();
  for (const r of delta.remove) named.set(packageKey(r), null);
  for (const p of delta.upsert) named.set(packageKey(p), p);
  if (named.size === 0) return diff;
  const before = new Map<string, StoredPackage>();
  for (const p of stored) {
    const key = packageKey(p);
    if (named.has(key)) before.set(key, p);
  }
  // In key order, as the applied inventory is.
  const upserted = [...named].filter((e): e is [string, InstalledPackage] => e[1] !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, pkg] of upserted) record(diff, before.get(key), pkg, at);
  for (const [key, old] of before) if (named.get(key) === null) recordRemoval(diff, old, at);
  return diff;
}
