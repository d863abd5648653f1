import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { DeviceFacts } from './device.js';
import { ManagerName } from './manager.js';
import { AvailableUpdate, InstalledPackage, packageKey } from './package.js';
import { RebootState } from './reboot.js';

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

function byKey<T extends { manager: string; name: string; arch: string }>(a: T, b: T): number {
  const ka = packageKey(a);
  const kb = packageKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Deterministic JSON: object keys sorted, arrays kept in order. Used for content hashes so that
 * agent and server agree on the same bytes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The part of an inventory that a content hash covers: everything but values that change on
 * their own (uptime, disk usage, collection time), with lists in a stable order.
 */
export function inventoryHashInput(inv: Inventory): string {
  const { uptimeSeconds: _uptime, disks, ...facts } = inv.facts;
  return canonicalJson({
    facts: { ...facts, disks: disks.map(({ usedBytes: _used, ...d }) => d) },
    managers: [...inv.managers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    packages: [...inv.packages].sort(byKey),
    updates: [...inv.updates].sort(byKey),
    reboot: inv.reboot,
  });
}

/** What changed in the installed packages from `prev` to `next`. */
export function diffPackages(prev: readonly InstalledPackage[], next: readonly InstalledPackage[]): PackageDelta {
  const before = new Map(prev.map((p) => [packageKey(p), p]));
  const after = new Map(next.map((p) => [packageKey(p), p]));
  const upsert: InstalledPackage[] = [];
  for (const [key, p] of after) {
    const old = before.get(key);
    if (!old || canonicalJson(old) !== canonicalJson(p)) upsert.push(p);
  }
  const remove = [...before.entries()]
    .filter(([key]) => !after.has(key))
    .map(([, p]) => ({ manager: p.manager, name: p.name, arch: p.arch }));
  return { upsert, remove };
}

/** Applies a delta to a package list; the result is what `diffPackages`' `next` was. */
export function applyPackageDelta(prev: readonly InstalledPackage[], delta: PackageDelta): InstalledPackage[] {
  const map = new Map(prev.map((p) => [packageKey(p), p]));
  for (const r of delta.remove) map.delete(packageKey(r));
  for (const p of delta.upsert) map.set(packageKey(p), p);
  return [...map.values()].sort(byKey);
}
