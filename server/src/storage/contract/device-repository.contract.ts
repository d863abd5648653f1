import { describe, expect, it } from 'vitest';
import type { NewDevice } from '../../domain/devices/device.js';
import { inventoryHash } from '../../domain/inventory/inventory-hash.js';
import { InventoryService } from '../../domain/inventory/inventory-service.js';
import type { Store } from '../../domain/store.js';
import { sampleFacts, sampleInventory, sampleNewDevice, samplePackages } from '../../testing/facts.js';
import type { OpenStore } from './harness.js';
import { useFreshStore } from './harness.js';

const page = { sort: 'hostname', order: 'asc', limit: 50, offset: 0 } as const;

export function deviceRepositoryContract(implementation: string, open: OpenStore): void {
  describe(`DeviceRepository contract (${implementation})`, () => {
    const ctx = useFreshStore(open);

    it('inserts a device and reads it back by id and by credential hash', async () => {
      const input = sampleNewDevice({ tags: ['web', 'env=prod'], criticality: 'high' });
      const created = await ctx.store.devices.insert(input);
      expect(created).toMatchObject({ id: input.id, hostname: input.hostname, criticality: 'high', inventoryHash: null, counts: { packages: 0, updates: 0, securityUpdates: 0 } });
      expect(created.tags.sort()).toEqual(['env=prod', 'web']);
      const byId = await ctx.store.devices.get(input.id);
      expect(byId?.facts).toEqual(input.facts);
      expect(byId?.os).toEqual({ platform: 'linux', id: 'debian', distro: 'Debian GNU/Linux', release: '12' });
      expect(byId?.enrolledAt.toISOString()).toBe(input.enrolledAt.toISOString());
      expect((await ctx.store.devices.findByCredentialHash(input.credentialHash))?.id).toBe(input.id);
      expect(await ctx.store.devices.findByCredentialHash('0'.repeat(64))).toBeNull();
      expect(await ctx.store.devices.get('no-such-device')).toBeNull();
    });

    it('refuses a second device with the same credential hash', async () => {
      const first = sampleNewDevice();
      await ctx.store.devices.insert(first);
      await expect(ctx.store.devices.insert(sampleNewDevice({ credentialHash: first.credentialHash }))).rejects.toThrow();
    });

    it('filters by name substring, OS and tag, counts the total and pages', async () => {
      await ctx.store.devices.insert(sampleNewDevice({ hostname: 'web-01', tags: ['web'] }));
      await ctx.store.devices.insert(sampleNewDevice({ hostname: 'WEB-02', tags: ['web', 'canary'] }));
      await ctx.store.devices.insert(sampleNewDevice({ hostname: 'db-01', tags: ['db'] }));
      await ctx.store.devices.insert(
        sampleNewDevice({
          hostname: 'mac-01',
          facts: sampleFacts({ hostname: 'mac-01', os: { platform: 'darwin', distro: 'macOS', release: '14.5', kernel: '23.5.0', arch: 'arm64' } }),
        }),
      );
      const web = await ctx.store.devices.list({ ...page, name: 'web' });
      expect(web.total).toBe(2);
      expect(web.items.map((d) => d.hostname)).toEqual(['web-01', 'WEB-02']);
      expect((await ctx.store.devices.list({ ...page, os: 'darwin' })).items.map((d) => d.hostname)).toEqual(['mac-01']);
      expect((await ctx.store.devices.list({ ...page, os: 'Debian' })).total).toBe(3);
      expect((await ctx.store.devices.list({ ...page, os: 'macos' })).total).toBe(1);
      expect((await ctx.store.devices.list({ ...page, tag: 'canary' })).items.map((d) => d.hostname)).toEqual(['WEB-02']);
      const second = await ctx.store.devices.list({ ...page, limit: 2, offset: 2 });
      expect(second).toMatchObject({ total: 4, limit: 2, offset: 2 });
      expect(second.items.map((d) => d.hostname)).toEqual(['web-01', 'WEB-02']);
      const desc = await ctx.store.devices.list({ ...page, order: 'desc' });
      expect(desc.items[0]?.hostname).toBe('WEB-02');
    });

    it('treats LIKE wildcards in the name filter literally', async () => {
      await ctx.store.devices.insert(sampleNewDevice({ hostname: 'a_b%c' }));
      await ctx.store.devices.insert(sampleNewDevice({ hostname: 'axbyc' }));
      expect((await ctx.store.devices.list({ ...page, name: '_b%' })).items.map((d) => d.hostname)).toEqual(['a_b%c']);
    });

    it('sorts by criticality and last seen', async () => {
      const low = await ctx.store.devices.insert(sampleNewDevice({ criticality: 'low' }));
      const critical = await ctx.store.devices.insert(sampleNewDevice({ criticality: 'critical' }));
      const high = await ctx.store.devices.insert(sampleNewDevice({ criticality: 'high' }));
      const byCriticality = await ctx.store.devices.list({ ...page, sort: 'criticality', order: 'desc' });
      expect(byCriticality.items.map((d) => d.id)).toEqual([critical.id, high.id, low.id]);
      await ctx.store.devices.touch(low.id, new Date('2026-03-01T00:00:00Z'));
      const bySeen = await ctx.store.devices.list({ ...page, sort: 'lastSeenAt', order: 'desc' });
      expect(bySeen.items[0]?.id).toBe(low.id);
    });

    it('updates tags and criticality and returns null for an unknown device', async () => {
      const device = await ctx.store.devices.insert(sampleNewDevice({ tags: ['old'] }));
      const updated = await ctx.store.devices.update(device.id, { tags: ['a', 'b'], criticality: 'critical' });
      expect(updated?.tags).toEqual(['a', 'b']);
      expect(updated?.criticality).toBe('critical');
      expect((await ctx.store.devices.update(device.id, { criticality: 'low' }))?.tags).toEqual(['a', 'b']);
      expect(await ctx.store.devices.update('missing', { tags: [] })).toBeNull();
      expect((await ctx.store.devices.list({ ...page, tag: 'old' })).total).toBe(0);
    });

    it('touch records last seen and the agent version', async () => {
      const device = await ctx.store.devices.insert(sampleNewDevice());
      await ctx.store.devices.touch(device.id, new Date('2026-02-02T10:00:00.000Z'), '0.2.0');
      const after = await ctx.store.devices.get(device.id);
      expect(after?.lastSeenAt.toISOString()).toBe('2026-02-02T10:00:00.000Z');
      expect(after?.agentVersion).toBe('0.2.0');
      await ctx.store.devices.touch(device.id, new Date('2026-02-02T11:00:00.000Z'));
      expect((await ctx.store.devices.get(device.id))?.agentVersion).toBe('0.2.0');
    });

    it('touchMany records last seen for each listed device, leaves the others and skips unknown ids', async () => {
      const listed = await Promise.all(Array.from({ length: 3 }, (_, i) => ctx.store.devices.insert(sampleNewDevice({ hostname: `listed-${i}` }))));
      const other = await ctx.store.devices.insert(sampleNewDevice({ hostname: 'other' }));
      const before = (await ctx.store.devices.get(other.id))?.lastSeenAt.toISOString();
      const at = new Date('2026-02-03T10:00:00.000Z');
      await ctx.store.devices.touchMany([...listed.map((d) => d.id), 'no-such-device'], at);
      for (const d of listed) expect((await ctx.store.devices.get(d.id))?.lastSeenAt.toISOString()).toBe(at.toISOString());
      expect((await ctx.store.devices.get(other.id))?.lastSeenAt.toISOString()).toBe(before);
      // More ids than one statement binds.
      const many = [...Array.from({ length: 1_200 }, (_, i) => `missing-${i}`), listed[0]?.id ?? ''];
      await ctx.store.devices.touchMany(many, new Date('2026-02-04T00:00:00.000Z'));
      expect((await ctx.store.devices.get(listed[0]?.id ?? ''))?.lastSeenAt.toISOString()).toBe('2026-02-04T00:00:00.000Z');
      await ctx.store.devices.touchMany([], at);
    });

    it('stores names full of quotes, semicolons, comment markers and unicode intact', async () => {
      const hostname = `x'; DROP TABLE devices; -- "ü名前" \\ 🚀`;
      const tag = `it's;--"x"`;
      const device = await ctx.store.devices.insert(sampleNewDevice({ hostname, facts: sampleFacts({ hostname }), tags: [tag] }));
      const back = await ctx.store.devices.get(device.id);
      expect(back?.hostname).toBe(hostname);
      expect(back?.facts.hostname).toBe(hostname);
      expect(back?.tags).toEqual([tag]);
      expect((await ctx.store.devices.list({ ...page, name: `'; DROP` })).items.map((d) => d.hostname)).toEqual([hostname]);
      expect((await ctx.store.devices.list({ ...page, tag })).total).toBe(1);
    });

    it('filters by missing updates, pending reboot and last seen, and sorts by update counts and OS', async () => {
      const now = new Date('2026-03-10T12:00:00.000Z');
      const a = await withInventory(ctx.store, sampleNewDevice({ hostname: 'a' }), { security: 3, other: 1, reboot: true }, now);
      const b = await withInventory(ctx.store, sampleNewDevice({ hostname: 'b' }), { security: 0, other: 2, reboot: false }, now);
      const c = await withInventory(ctx.store, sampleNewDevice({ hostname: 'c' }), { security: 1, other: 0, reboot: 'unknown' }, now);
      const d = await ctx.store.devices.insert(sampleNewDevice({ hostname: 'd' }));
      await ctx.store.devices.touch(a, new Date('2026-03-10T11:00:00.000Z'));
      await ctx.store.devices.touch(b, new Date('2026-03-01T00:00:00.000Z'));
      await ctx.store.devices.touch(c, new Date('2026-02-01T00:00:00.000Z'));
      await ctx.store.devices.touch(d.id, new Date('2026-03-10T11:59:00.000Z'));
      const names = async (q: Partial<Parameters<typeof ctx.store.devices.list>[0]>) => (await ctx.store.devices.list({ ...page, ...q })).items.map((x) => x.hostname);
      expect(await names({ missing: 'security' })).toEqual(['a', 'c']);
      expect(await names({ missing: 'any' })).toEqual(['a', 'b', 'c']);
      expect(await names({ rebootRequired: true })).toEqual(['a']);
      expect(await names({ lastSeenBefore: new Date('2026-03-03T12:00:00.000Z') })).toEqual(['b', 'c']);
      expect(await names({ missing: 'security', lastSeenBefore: new Date('2026-03-03T12:00:00.000Z') })).toEqual(['c']);
      // Ties (b and d have none) fall back to the id, so the order is total.
      expect(await names({ sort: 'securityUpdates', order: 'desc' })).toEqual(['a', 'c', 'b', 'd']);
      expect(await names({ sort: 'securityUpdates', order: 'asc' })).toEqual(['b', 'd', 'c', 'a']);
      expect((await names({ sort: 'updates', order: 'desc' })).slice(0, 3)).toEqual(['a', 'b', 'c']);
      const mac = await ctx.store.devices.insert(
        sampleNewDevice({ hostname: 'mac', facts: sampleFacts({ hostname: 'mac', os: { platform: 'darwin', distro: 'macOS', release: '14.5', kernel: '23.5.0', arch: 'arm64' } }) }),
      );
      expect((await names({ sort: 'os', order: 'desc' }))[0]).toBe(mac.hostname);
    });

    it('counts the fleet: stale, never reported, reboot pending, missing updates, OS mix and last-seen bands', async () => {
      const now = new Date('2026-03-10T12:00:00.000Z');
      const hours = (h: number) => new Date(now.getTime() - h * 3_600_000);
      const a = await withInventory(ctx.store, sampleNewDevice({ hostname: 'a' }), { security: 3, other: 1, reboot: true }, now);
      const b = await withInventory(ctx.store, sampleNewDevice({ hostname: 'b' }), { security: 0, other: 2, reboot: false }, now);
      const c = await withInventory(ctx.store, sampleNewDevice({ hostname: 'c' }), { security: 1, other: 0, reboot: true }, now);
      const d = await ctx.store.devices.insert(
        sampleNewDevice({ hostname: 'd', facts: sampleFacts({ hostname: 'd', os: { platform: 'darwin', distro: 'macOS', release: '14.5', kernel: '23.5.0', arch: 'arm64' } }) }),
      );
      await ctx.store.devices.touch(a, hours(0.5));
      await ctx.store.devices.touch(b, hours(5));
      await ctx.store.devices.touch(c, hours(24 * 10));
      await ctx.store.devices.touch(d.id, hours(24 * 40));
      const stats = await ctx.store.devices.stats({ now, staleBefore: hours(24 * 7), lastSeenBandHours: [1, 24, 168, 720], osLimit: 10 });
      expect(stats).toEqual({
        devices: 4,
        notSeenRecently: 2,
        neverReported: 1,
        rebootPending: 2,
        securityUpdates: { total: 4, devices: 2 },
        updates: { total: 7, devices: 3 },
        byOs: [
          { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', devices: 3 },
          { platform: 'darwin', distro: 'macOS', release: '14.5', devices: 1 },
        ],
        lastSeenBands: [1, 1, 0, 1, 1],
      });
      const empty = await ctx.store.devices.stats({ now, staleBefore: now, lastSeenBandHours: [1], osLimit: 10 });
      expect(empty).toMatchObject({ devices: 4, notSeenRecently: 4, lastSeenBands: [1, 3] });
    });
  });
}

/** Inserts the device and stores one inventory with the given numbers of updates, through the inventory service. */
async function withInventory(
  store: Store,
  device: NewDevice,
  shape: { security: number; other: number; reboot: boolean | 'unknown' },
  now: Date,
): Promise<string> {
  await store.devices.insert(device);
  const security = Array.from({ length: shape.security }, (_, i) => ({ manager: 'apt' as const, name: `sec-${i}`, arch: 'amd64', installedVersion: '1', candidateVersion: '2', security: true as const, advisories: [], cves: [] }));
  const other = Array.from({ length: shape.other }, (_, i) => ({ manager: 'apt' as const, name: `oth-${i}`, arch: 'amd64', installedVersion: '1', candidateVersion: '2', security: false as const, advisories: [], cves: [] }));
  const inventory = sampleInventory(samplePackages(3), { facts: device.facts, updates: [...security, ...other], reboot: { required: shape.reboot, reasons: [], packages: [] } });
  const outcome = await new InventoryService(store, { now: () => now }).report(device.id, { kind: 'full', hash: inventoryHash(inventory), inventory });
  if (!outcome.ok) throw new Error(outcome.message);
  return device.id;
}
