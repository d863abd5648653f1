import type { AvailableUpdate, InstalledPackage, ManagerName, UpdateSelection } from '@patchwave/shared';
import type { InventoryRepository } from '../inventory/inventory-repository.js';
import type { PackageCatalog } from './spec-check.js';
import type { DeviceInventoryView } from './job-builder.js';

const PAGE = 1000;

async function allUpdates(inventory: InventoryRepository, deviceId: string, name?: string): Promise<AvailableUpdate[]> {
  const out: AvailableUpdate[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await inventory.listUpdates(deviceId, { limit: PAGE, offset, ...(name ? { name } : {}) });
    out.push(...page.items);
    if (page.items.length < PAGE) return out;
  }
}

async function installedNamed(inventory: InventoryRepository, deviceId: string, name: string): Promise<InstalledPackage[]> {
  const out: InstalledPackage[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await inventory.listPackages(deviceId, { name, limit: PAGE, offset });
    out.push(...page.items.filter((p) => p.name === name).map(({ since: _since, ...p }) => p));
    if (page.items.length < PAGE) return out;
  }
}

/**
 * The part of a device's stored inventory a selection needs: every available update, and for a
 * selection of named packages the installed packages of those names.
 */
export async function loadInventoryView(inventory: InventoryRepository, deviceId: string, what: UpdateSelection): Promise<DeviceInventoryView> {
  const updates = await allUpdates(inventory, deviceId);
  if (what.kind !== 'packages') return { installed: [], updates };
  const names = [...new Set(what.packages.map((p) => p.name))];
  const installed = (await Promise.all(names.map((n) => installedNamed(inventory, deviceId, n)))).flat();
  return { installed, updates };
}

/**
 * A catalog of package names some target device reports installed or available, for refusing
 * unknown packages before anything is stored. Looks up only the names asked for.
 */
export async function targetPackageCatalog(
  inventory: InventoryRepository,
  deviceIds: readonly string[],
  wanted: readonly { name: string; manager?: ManagerName | undefined }[],
): Promise<PackageCatalog> {
  const known = new Set<string>();
  const key = (name: string, manager?: string) => `${manager ?? '*'}\u0000${name}`;
  for (const w of wanted) {
    for (const deviceId of deviceIds) {
      const hits = [...(await installedNamed(inventory, deviceId, w.name)), ...(await allUpdates(inventory, deviceId, w.name)).filter((u) => u.name === w.name)];
      const match = hits.find((h) => !w.manager || h.manager === w.manager);
      if (match) {
        known.add(key(w.name, w.manager));
        break;
      }
    }
  }
  return { knows: (name, manager) => known.has(key(name, manager)) };
}
