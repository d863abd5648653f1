import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { sampleInventory, sampleNewDevice, samplePackages } from '../../testing/facts.js';
import type { TempStore } from '../../testing/temp-store.js';
import { openTempStore } from '../../testing/temp-store.js';
import type { Store } from '../store.js';
import { inventoryHash } from './inventory-hash.js';
import type { InventoryRepository } from './inventory-repository.js';
import { InventoryService } from './inventory-service.js';

let temp: TempStore;
let service: InventoryService;
const clock = new ManualClock('2026-02-01T00:00:00.000Z');

beforeEach(async () => {
  temp = await openTempStore();
  service = new InventoryService(temp.store, clock);
});
afterEach(async () => {
  await temp.cleanup();
});

describe('InventoryService', () => {
  it('takes the first full report as the baseline (no history) and diffs later ones into history', async () => {
    const device = await temp.store.devices.insert(sampleNewDevice());
    const first = sampleInventory(samplePackages(3));
    const r1 = await service.report(device.id, { kind: 'full', hash: inventoryHash(first), inventory: first });
    expect(r1).toMatchObject({ ok: true, report: { changeCount: 0, counts: { packages: 3, updates: 2, securityUpdates: 1 } } });
    clock.advance(86_400_000);
    const second = sampleInventory(samplePackages(4, (i) => (i === 2 ? '1.0-9' : `1.0-${i}`)));
    const r2 = await service.report(device.id, { kind: 'full', hash: inventoryHash(second), inventory: second });
    expect(r2).toMatchObject({ ok: true, report: { changeCount: 2 } });
    const history = await service.listHistory(device.id, { limit: 10, offset: 0 });
    expect(history.items.map((h) => [h.name, h.change, h.observedAt.toISOString()]).sort()).toEqual([
      ['pkg-00002', 'upgraded', '2026-02-02T00:00:00.000Z'],
      ['pkg-00004', 'installed', '2026-02-02T00:00:00.000Z'],
    ]);
    const packages = await service.listPackages(device.id, { limit: 10, offset: 0 });
    expect(packages.items.map((p) => [p.name, p.since.toISOString()])).toEqual([
      ['pkg-00001', '2026-02-01T00:00:00.000Z'],
      ['pkg-00002', '2026-02-02T00:00:00.000Z'],
      ['pkg-00003', '2026-02-01T00:00:00.000Z'],
      ['pkg-00004', '2026-02-02T00:00:00.000Z'],
    ]);
  });

  it('refuses an unchanged-hash delta against nothing and a delta whose result does not hash to its claim', async () => {
    const device = await temp.store.devices.insert(sampleNewDevice());
    const base = sampleInventory(samplePackages(2));
    const delta = {
      kind: 'delta' as const,
      hash: inventoryHash(base),
      baseHash: inventoryHash(base),
      collectedAt: base.collectedAt,
      facts: base.facts,
      managers: base.managers,
      packages: { upsert: [], remove: [] },
      updates: base.updates,
      reboot: base.reboot,
    };
    expect(await service.report(device.id, delta)).toMatchObject({ ok: false, code: 'E_INVENTORY_BASE_MISMATCH' });
    await service.report(device.id, { kind: 'full', hash: inventoryHash(base), inventory: base });
    const lying = { ...delta, packages: { upsert: [{ manager: 'apt' as const, name: 'x', version: '1', arch: 'amd64' }], remove: [] } };
    const outcome = await service.report(device.id, lying);
    expect(outcome).toMatchObject({ ok: false, code: 'E_INVENTORY_BASE_MISMATCH' });
    expect((await service.listPackages(device.id, { limit: 10, offset: 0 })).total).toBe(2);
    expect(await service.report(device.id, delta)).toMatchObject({ ok: true, report: { kind: 'delta', changeCount: 0 } });
  });

  it('takes a full report repeating the stored hash without reading the packages back, but only once its hash checks out', async () => {
    // Counts the reads of stored packages the service makes inside its transactions.
    const reads: string[] = [];
    const counted: Store = {
      ...temp.store,
      transaction: (fn) =>
        temp.store.transaction((tx) => {
          const inventory: InventoryRepository = Object.create(tx.inventory);
          inventory.listInstalled = (deviceId) => {
            reads.push(deviceId);
            return tx.inventory.listInstalled(deviceId);
          };
          return fn({ ...tx, inventory });
        }),
    };
    const counting = new InventoryService(counted, clock);
    const device = await temp.store.devices.insert(sampleNewDevice());
    const inv = sampleInventory(samplePackages(3));
    await counting.report(device.id, { kind: 'full', hash: inventoryHash(inv), inventory: inv });
    expect(reads).toEqual([device.id]);
    clock.advance(60_000);
    // Only volatile facts changed: same hash.
    const again = { ...inv, collectedAt: '2026-02-01T00:01:00.000Z', facts: { ...inv.facts, uptimeSeconds: inv.facts.uptimeSeconds + 60 } };
    expect(inventoryHash(again)).toBe(inventoryHash(inv));
    expect(await counting.report(device.id, { kind: 'full', hash: inventoryHash(again), inventory: again })).toMatchObject({
      ok: true,
      report: { kind: 'full', changeCount: 0, collectedAt: again.collectedAt, counts: { packages: 3 } },
    });
    expect(reads).toEqual([device.id]);
    // Claiming the stored hash for other content is refused before anything is stored.
    const other = sampleInventory(samplePackages(4));
    expect(await counting.report(device.id, { kind: 'full', hash: inventoryHash(inv), inventory: other })).toMatchObject({ ok: false, code: 'E_BAD_FRAME' });
    expect((await service.listPackages(device.id, { limit: 10, offset: 0 })).total).toBe(3);
    expect((await service.listReports(device.id, { limit: 10, offset: 0 })).total).toBe(2);
    expect((await service.listHistory(device.id, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('answers E_NOT_FOUND for an unknown device', async () => {
    const inv = sampleInventory([]);
    expect(await service.report('nope', { kind: 'full', hash: inventoryHash(inv), inventory: inv })).toMatchObject({ ok: false, code: 'E_NOT_FOUND' });
    await expect(service.listPackages('nope', { limit: 1, offset: 0 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});
