import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { DeviceFacts } from './device.js';
import { ManagerName } from './manager.js';
import { AvailableUpdate, InstalledPackage, packageKey } from './package.js';
import { RebootState } from './reboot.js';
import { encodePackage } from './inventory-hash-input.js';

export { canonicalJson } from './canonical-json.js';
export { inventoryHashInput, writeInventoryHashInput } from './inventory-hash-input.js';

export const ManagerStatus = z.object({
  name: ManagerName,
  version: z.string().max(LIMITS.version).optional(),
  /** false when listing failed; `error` says why. The rest of the inventory is still reported. */
  ok: z.boolean(),
  error: z.object({ code: z.string().max(64), message: z.string().max(LIMITS.message) }).optional(),
});
export type ManagerStatus = z.infer<typeof ManagerStatus>;

export const Inventory = z.object({
  collectedAt: z.string().max(64),
  facts: DeviceFacts,
  managers: z.array(ManagerStatus).max(32),
  packages: z.array(InstalledPackage).max(LIMITS.listItems),
  updates: z.array(AvailableUpdate).max(LIMITS.listItems),
  reboot: RebootState,
});
export type Inventory = z.infer<typeof Inventory>;

/** Package changes between two inventories of one device. */
export const PackageDelta = z.object({
  upsert: z.array(InstalledPackage).max(LIMITS.listItems),
  remove: z
    .array(z.object({ manager: ManagerName, name: z.string().max(LIMITS.packageName), arch: z.string().max(LIMITS.arch) }))
    .max(LIMITS.listItems),
});
export type PackageDelta = z.infer<typeof PackageDelta>;

/** What changed in the installed packages from `prev` to `next`. */
export function diffPackages(prev: readonly InstalledPackage[], next: readonly InstalledPackage[]): PackageDelta {
  const before = new Map(prev.map((p) => [packageKey(p), p]));
  const after = new Map(next.map((p) => [packageKey(p), p]));
  const upsert: InstalledPackage[] = [];
  for (const [key, p] of after) {
    const old = before.get(key);
    if (!old || encodePackage(old) !== encodePackage(p)) upsert.push(p);
  }
  const remove = [...before.entries()]
    .filter(([key]) => !after.has(key))
    .map(([, p]) => ({ manager: p.manager, name: p.name, arch: p.arch }));
  return { upsert, remove };
}

/** Applies a delta to a package list; the result is what `diffPackages`' `next` was. */
export function applyPackageDelta(prev: readonly InstalledPackage[], delta: PackageDelta): InstalledPackage[] {
  const map = new Map<string, InstalledPackage>();
  for (const p of prev) map.set(packageKey(p), p);
  for (const r of delta.remove) map.delete(packageKey(r));
  for (const p of delta.upsert) map.set(packageKey(p), p);
  return valuesByKey(map);
}

/**
 * The values of a map keyed by packageKey, as `[...map.values()].sort(byKey)` gives them: the keys
 * are already there, and a list applied to a sorted one usually is still in order.
 */
function valuesByKey<T>(map: ReadonlyMap<string, T>): T[] {
  const keys = [...map.keys()];
  const values = [...map.values()];
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = (keys[i - 1] as string) <= (keys[i] as string);
  if (sorted) return values;
  return keys
    .map((_, i) => i)
    .sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : (keys[a] as string) > (keys[b] as string) ? 1 : 0))
    .map((i) => values[i] as T);
}
