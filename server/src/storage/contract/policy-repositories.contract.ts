import { Inventory, PolicySpec, type AvailableUpdate } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../domain/clock.js';
import { inventoryHash } from '../../domain/inventory/inventory-hash.js';
import { InventoryService } from '../../domain/inventory/inventory-service.js';
import type { PolicyRecord, PolicyRunRecord } from '../../domain/policies/ports.js';
import { firstSeenKey } from '../../domain/policies/update-selection.js';
import { sampleFacts, sampleNewDevice } from '../../testing/facts.js';
import type { OpenStore } from './harness.js';
import { useFreshStore } from './harness.js';

const AT = new Date('2026-03-01T10:00:00.000Z');
const spec = PolicySpec.parse({ name: 'weekly', scope: { tags: ['web'] }, schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' } } });

function policy(id: string, name: string): Omit<PolicyRecord, 'revision'> {
  return { id, name, spec: { ...spec, name }, state: 'active', createdBy: 'user:alice', createdAt: AT, updatedAt: AT, scheduleSince: AT, pausedAt: null, pausedBy: null, pauseReason: null, pausedDeployments: [] };
}

function run(id: string, policyId: string, minutes: number, over: Partial<PolicyRunRecord> = {}): PolicyRunRecord {
  return {
    id,
    policyId,
    trigger: 'schedule',
    timeZones: ['UTC'],
    scheduledFor: AT,
    startedAt: new Date(AT.getTime() + minutes * 60_000),
    finishedAt: null,
    outcome: 'awaiting-plan',
    deploymentId: null,
    devices: 1,
    packages: 2,
    deferred: 3,
    expedited: 0,
    reasons: ['r'],
    blockers: [],
    selection: [{ deviceId: 'd1', changes: [{ manager: 'apt', name: 'openssl', severity: 'high', security: true }] }],
    ...over,
  };
}

const update = (name: string, candidateVersion: string): AvailableUpdate => ({ manager: 'apt', name, arch: 'amd64', installedVersion: '1.0', candidateVersion, security: true, advisories: [], cves: [] });

export function policyRepositoriesContract(implementation: string, open: OpenStore): void {
  describe(`policy repositories contract (${implementation})`, () => {
    const ctx = useFreshStore(open);

    it('stores policies whole, updates them with compare-and-set and deletes them', async () => {
      const p = await ctx.store.policies.insert(policy('p1', 'b-policy'));
      await ctx.store.policies.insert(policy('p2', 'a-policy'));
      expect(await ctx.store.policies.get('p1')).toEqual({ ...policy('p1', 'b-policy'), revision: 1 });
      expect((await ctx.store.policies.list()).map((x) => x.name)).toEqual(['a-policy', 'b-policy']);
      const paused = await ctx.store.policies.update('p1', p.revision, { state: 'paused', pausedAt: AT, pausedBy: 'user:bob', pauseReason: 'freeze', pausedDeployments: ['d1'] });
      expect(paused).toMatchObject({ state: 'paused', pausedBy: 'user:bob', pausedDeployments: ['d1'], revision: 2 });
      expect(await ctx.store.policies.update('p1', p.revision, { state: 'active' })).toBeNull();
      await ctx.store.policyMarks.set('p1', 'UTC', AT);
      expect(await ctx.store.policies.delete('p1')).toBe(true);
      expect(await ctx.store.policies.get('p1')).toBeNull();
      expect(await ctx.store.policyMarks.get('p1')).toEqual(new Map());
      expect(await ctx.store.policies.delete('p1')).toBe(false);
    });

    it('keeps runs newest first with their total, and finds those awaiting a dry run and those with deployments', async () => {
      await ctx.store.policyRuns.insert(run('r1', 'p1', 0, { outcome: 'nothing-to-do', finishedAt: AT }));
      await ctx.store.policyRuns.insert(run('r2', 'p1', 1, { deploymentId: 'dep-2' }));
      await ctx.store.policyRuns.insert(run('r3', 'p1', 2));
      await ctx.store.policyRuns.insert(run('r4', 'p2', 3, { deploymentId: 'dep-4' }));
      const page = await ctx.store.policyRuns.list('p1', { limit: 2, offset: 0 });
      expect(page.total).toBe(3);
      expect(page.items.map((r) => r.id)).toEqual(['r3', 'r2']);
      expect(await ctx.store.policyRuns.get('r2')).toEqual(run('r2', 'p1', 1, { deploymentId: 'dep-2' }));
      expect((await ctx.store.policyRuns.listAwaitingPlan()).map((r) => r.id)).toEqual(['r2', 'r3', 'r4']);
      const done = await ctx.store.policyRuns.update('r2', { outcome: 'awaiting-approval', finishedAt: AT, blockers: [{ rule: 'removal', deviceId: 'd1', package: 'c', message: 'm' }] });
      expect(done).toMatchObject({ outcome: 'awaiting-approval', blockers: [{ rule: 'removal', package: 'c' }] });
      expect((await ctx.store.policyRuns.withDeployments('p1')).map((r) => r.id)).toEqual(['r2']);
    });

    it('keeps one schedule mark per policy and time zone', async () => {
      await ctx.store.policyMarks.set('p1', 'UTC', AT);
      await ctx.store.policyMarks.set('p1', 'UTC', new Date(AT.getTime() + 1000));
      await ctx.store.policyMarks.set('p1', 'Europe/Berlin', AT);
      expect(await ctx.store.policyMarks.get('p1')).toEqual(new Map([['UTC', new Date(AT.getTime() + 1000)], ['Europe/Berlin', AT]]));
    });

    it('records when each available update was first seen as inventories arrive, and forgets those no longer offered', async () => {
      const clock = new ManualClock(AT);
      const device = await ctx.store.devices.insert(sampleNewDevice({ hostname: 'web-01' }));
      const report = async (updates: AvailableUpdate[]) => {
        const inv = Inventory.parse({ collectedAt: clock.now().toISOString(), facts: sampleFacts({ hostname: 'web-01' }), managers: [{ name: 'apt', ok: true }], packages: [], updates, reboot: { required: false } });
        const stored = await new InventoryService(ctx.store, clock).report(device.id, { kind: 'full', hash: inventoryHash(inv), inventory: inv });
        if (!stored.ok) throw new Error(stored.message);
      };
      await report([update('openssl', '1.1'), update('curl', '8.0')]);
      clock.advance(86_400_000);
      await report([update('openssl', '1.1'), update('curl', '8.1')]);
      const seen = await ctx.store.updateSightings.forDevice(device.id);
      expect(seen).toEqual(
        new Map([
          [firstSeenKey({ manager: 'apt', name: 'openssl', version: '1.1' }), AT],
          [firstSeenKey({ manager: 'apt', name: 'curl', version: '8.1' }), new Date(AT.getTime() + 86_400_000)],
        ]),
      );
    });
  });
}
