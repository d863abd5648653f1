import type { AvailableUpdate } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import type { InventoryWrite } from '../../domain/inventory/inventory-repository.js';
import type { StoredPackage } from '../../domain/inventory/package-change.js';
import { sampleFacts, sampleNewDevice, samplePackages } from '../../testing/facts.js';
import type { OpenStore } from './harness.js';
import { useFreshStore } from './harness.js';

const T1 = new Date('2026-01-02T00:00:00.000Z');
const T2 = new Date('2026-01-03T00:00:00.000Z');

const securityUpdate: AvailableUpdate = {
  manager: 'apt',
  name: 'openssl',
  arch: 'amd64',
  installedVersion: '3.0.11-1~deb12u1',
  candidateVersion: '3.0.11-1~deb12u2',
  security: true,
  severity: 'important',
  advisories: ['DSA-5532-1'],
  cves: ['CVE-2023-5363', 'CVE-2023-5678'],
  origin: 'Debian-Security',
  title: 'openssl security update',
  rebootRequired: false,
};
const plainUpdate: AvailableUpdate = { manager: 'apt', name: 'tzdata', arch: 'all', installedVersion: '2024a', candidateVersion: '2025b', security: false, advisories: [], cves: [] };
const unknownUpdate: AvailableUpdate = { manager: 'apt', name: 'curl', arch: 'amd64', installedVersion: null, candidateVersion: '8.0', security: 'unknown', advisories: [], cves: [] };

function write(deviceId: string, over: Partial<InventoryWrite>): InventoryWrite {
  return {
    deviceId,
    receivedAt: T1,
    report: { kind: 'full', hash: 'a'.repeat(64), baseHash: null, collectedAt: T1.toISOString() },
    facts: sampleFacts(),
    managers: [{ name: 'apt', version: '2.6.1', ok: true }],
    reboot: { required: true, reasons: ['kernel'], packages: ['linux-image-amd64'] },
    upsert: [],
    remove: [],
    updates: [],
    changes: [],
    counts: { packages: 0, updates: 0, securityUpdates: 0 },
    ...over,
  };
}

const stored = (n: number, at = T1): StoredPackage[] => samplePackages(n).map((p) => ({ ...p, since: at }));

export function inventoryRepositoryContract(implementation: string, open: OpenStore): void {
  describe(`InventoryRepository contract (${implementation})`, () => {
    const ctx = useFreshStore(open);

    async function device() {
      return ctx.store.devices.insert(sampleNewDevice());
    }

    it('stores packages, updates and the report, and updates the device state', async () => {
      const d = await device();
      const packages = stored(3);
      const report = await ctx.store.inventory.apply(
        write(d.id, { upsert: packages, updates: [securityUpdate, plainUpdate, unknownUpdate], counts: { packages: 3, updates: 3, securityUpdates: 1 } }),
      );
      expect(report).toMatchObject({ deviceId: d.id, kind: 'full', hash: 'a'.repeat(64), baseHash: null, changeCount: 0, counts: { packages: 3, updates: 3, securityUpdates: 1 } });
      expect(await ctx.store.inventory.listInstalled(d.id)).toEqual(packages);
      const after = await ctx.store.devices.get(d.id);
      expect(after).toMatchObject({ inventoryHash: 'a'.repeat(64), counts: { packages: 3, updates: 3, securityUpdates: 1 } });
      expect(after?.reboot).toEqual({ required: true, reasons: ['kernel'], packages: ['linux-image-amd64'] });
      expect(after?.inventoryAt?.toISOString()).toBe(T1.toISOString());
      const updates = await ctx.store.inventory.listUpdates(d.id, { limit: 10, offset: 0 });
      expect(updates.total).toBe(3);
      expect(updates.items.find((u) => u.name === 'openssl')).toEqual(securityUpdate);
      expect(updates.items.find((u) => u.name === 'curl')).toEqual(unknownUpdate);
      expect((await ctx.store.inventory.listUpdates(d.id, { limit: 10, offset: 0, security: true })).items.map((u) => u.name)).toEqual(['openssl']);
      expect((await ctx.store.inventory.listUpdates(d.id, { limit: 10, offset: 0, security: false })).items.map((u) => u.name)).toEqual(['tzdata']);
      expect((await ctx.store.inventory.listUpdates(d.id, { limit: 10, offset: 0, security: 'unknown' })).items.map((u) => u.name)).toEqual(['curl']);
    });

    it('applies upserts and removals, replaces updates and keeps history newest first', async () => {
      const d = await device();
      await ctx.store.inventory.apply(write(d.id, { upsert: stored(3), updates: [securityUpdate, plainUpdate] }));
      const [p1, p2] = samplePackages(3);
      await ctx.store.inventory.apply(
        write(d.id, {
          receivedAt: T2,
          report: { kind: 'delta', hash: 'b'.repeat(64), baseHash: 'a'.repeat(64), collectedAt: T2.toISOString() },
          upsert: [{ ...(p1 as StoredPackage), version: '2.0-1', since: T2 }],
          remove: [{ manager: 'apt', name: (p2 as StoredPackage).name, arch: 'amd64' }],
          updates: [plainUpdate],
          changes: [
            { manager: 'apt', name: 'pkg-00001', arch: 'amd64', change: 'upgraded', fromVersion: '1.0-1', toVersion: '2.0-1', observedAt: T2 },
            { manager: 'apt', name: 'pkg-00002', arch: 'amd64', change: 'removed', fromVersion: '1.0-2', toVersion: null, observedAt: T2 },
          ],
        }),
      );
      const installed = await ctx.store.inventory.listInstalled(d.id);
      expect(installed.map((p) => [p.name, p.version, p.since.toISOString()])).toEqual([
        ['pkg-00001', '2.0-1', T2.toISOString()],
        ['pkg-00003', '1.0-3', T1.toISOString()],
      ]);
      expect((await ctx.store.inventory.listUpdates(d.id, { limit: 10, offset: 0 })).items.map((u) => u.name)).toEqual(['tzdata']);
      const history = await ctx.store.inventory.listHistory(d.id, { limit: 10, offset: 0 });
      expect(history.total).toBe(2);
      expect(history.items.map((h) => h.change).sort()).toEqual(['removed', 'upgraded']);
      expect((await ctx.store.inventory.listHistory(d.id, { limit: 10, offset: 0, change: 'removed' })).items[0]).toMatchObject({ name: 'pkg-00002', fromVersion: '1.0-2', toVersion: null, deviceId: d.id });
      expect((await ctx.store.inventory.listHistory(d.id, { limit: 10, offset: 0, since: new Date('2026-02-01T00:00:00Z') })).total).toBe(0);
      const reports = await ctx.store.inventory.listReports(d.id, { limit: 10, offset: 0 });
      expect(reports.items.map((r) => [r.kind, r.changeCount, r.baseHash])).toEqual([
        ['delta', 2, 'a'.repeat(64)],
        ['full', 0, null],
      ]);
    });

    it('leaves unchanged updates and packages as they are and writes the changed ones, a later duplicate winning', async () => {
      const d = await device();
      const [p1, p2] = stored(2);
      const withSource = { ...(p1 as StoredPackage), source: { name: 'src-a', version: '1' } };
      await ctx.store.inventory.apply(write(d.id, { upsert: [withSource, p2 as StoredPackage], updates: [securityUpdate, plainUpdate, unknownUpdate] }));
      const changedSecurity: AvailableUpdate = { ...securityUpdate, candidateVersion: '3.0.11-1~deb12u3', cves: [], rebootRequired: true };
      const second = await ctx.store.inventory.apply(
        write(d.id, {
          receivedAt: T2,
          upsert: [
            { ...withSource, version: '2.0', source: { name: 'src-a', version: '2' }, since: T2 },
            { ...(p2 as StoredPackage), version: '3.0', source: { name: 'src-b' }, since: T2 },
          ],
          updates: [changedSecurity, plainUpdate, { ...unknownUpdate, title: 'first' }, { ...unknownUpdate, title: 'last' }],
        }),
      );
      const updates = (await ctx.store.inventory.listUpdates(d.id, { limit: 10, offset: 0 })).items;
      expect(updates).toHaveLength(3);
      expect(updates.find((u) => u.name === 'openssl')).toEqual(changedSecurity);
      expect(updates.find((u) => u.name === 'tzdata')).toEqual(plainUpdate);
      expect(updates.find((u) => u.name === 'curl')).toEqual({ ...unknownUpdate, title: 'last' });
      expect(await ctx.store.inventory.listInstalled(d.id)).toEqual([
        { ...withSource, version: '2.0', source: { name: 'src-a', version: '2' }, since: T2 },
        { ...(p2 as StoredPackage), version: '3.0', source: { name: 'src-b' }, since: T2 },
      ]);
      expect((await ctx.store.inventory.listReports(d.id, { limit: 1, offset: 0 })).items[0]).toEqual(second);
    });

    it('pages and filters packages by name and manager', async () => {
      const d = await device();
      await ctx.store.inventory.apply(write(d.id, { upsert: stored(25) }));
      const second = await ctx.store.inventory.listPackages(d.id, { limit: 10, offset: 10 });
      expect(second.total).toBe(25);
      expect(second.items.map((p) => p.name)).toEqual(samplePackages(20).slice(10).map((p) => p.name));
      expect((await ctx.store.inventory.listPackages(d.id, { limit: 50, offset: 0, name: 'pkg-0001' })).total).toBe(10);
      expect((await ctx.store.inventory.listPackages(d.id, { limit: 50, offset: 0, manager: 'dnf' })).total).toBe(0);
    });

    it('keeps packages of one device apart from another', async () => {
      const a = await device();
      const b = await device();
      await ctx.store.inventory.apply(write(a.id, { upsert: stored(2) }));
      await ctx.store.inventory.apply(write(b.id, { upsert: stored(5) }));
      await ctx.store.inventory.apply(write(a.id, { remove: samplePackages(2).map((p) => ({ manager: p.manager, name: p.name, arch: p.arch })) }));
      expect(await ctx.store.inventory.listInstalled(a.id)).toEqual([]);
      expect((await ctx.store.inventory.listInstalled(b.id)).length).toBe(5);
    });

    it('stores a source-less package and names full of quotes and unicode intact', async () => {
      const d = await device();
      const weird: StoredPackage[] = [
        { manager: 'apt', name: `lib'quote";--`, version: `1:2.0~rc1-1'; DROP`, arch: 'amd64', since: T1 },
        { manager: 'winget', name: 'Ünïcødé.名前 🚀', version: '1.0', arch: '', since: T1, source: { name: 'src;--' } },
      ];
      await ctx.store.inventory.apply(write(d.id, { upsert: weird }));
      const back = await ctx.store.inventory.listInstalled(d.id);
      expect(back).toEqual(expect.arrayContaining(weird));
      expect(back).toHaveLength(2);
      expect((await ctx.store.inventory.listPackages(d.id, { limit: 5, offset: 0, name: `'quote"` })).items.map((p) => p.name)).toEqual([`lib'quote";--`]);
    });

    it('stores a 3,000-package inventory with 3,000 history rows in one apply', async () => {
      const d = await device();
      const big = stored(3_000);
      await ctx.store.inventory.apply(
        write(d.id, {
          upsert: big,
          changes: big.map((p) => ({ manager: p.manager, name: p.name, arch: p.arch, change: 'installed', fromVersion: null, toVersion: p.version, observedAt: T1 })),
          counts: { packages: 3_000, updates: 0, securityUpdates: 0 },
        }),
      );
      expect((await ctx.store.inventory.listInstalled(d.id)).length).toBe(3_000);
      expect((await ctx.store.inventory.listHistory(d.id, { limit: 1, offset: 0 })).total).toBe(3_000);
    });
  });
}
