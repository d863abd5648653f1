import { applyPackageDelta, PatchwaveError, type AvailableUpdate, type Inventory, type InstalledPackage, type RebootState } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import type { ApplyResult, PackageManager, Plan } from '../pkg/package-manager.js';
import { collectInventory } from './collect.js';
import { mapFacts } from './facts-map.js';
import { inventoryHash } from './hash.js';
import { chooseReport } from './report.js';

const facts = mapFacts({ hostname: 'host1', platform: 'linux', machine: 'x86_64', uptimeSeconds: 100, disks: [{ mount: '/', type: 'ext4', size: 100, used: 10 }] });
const pkg = (name: string, version: string): InstalledPackage => ({ manager: 'apt', name, version, arch: 'amd64' });

/** A package manager held in memory: what the inventory asks of it, answered from fixed lists. */
class MemoryManager implements PackageManager {
  readonly capabilities = { canRollback: false, canPinVersion: false, knowsSecurity: true, needsUser: false, partialUpgrade: true, detectsReboot: true };
  constructor(
    readonly name: 'apt' | 'dnf',
    private readonly packages: InstalledPackage[],
    private readonly updates: AvailableUpdate[] | Error,
    private readonly reboot: RebootState,
  ) {}
  async version() {
    return '1.0';
  }
  async listInstalled() {
    return this.packages;
  }
  async listUpdates() {
    if (this.updates instanceof Error) throw this.updates;
    return this.updates;
  }
  async plan(): Promise<Plan> {
    throw new Error('not used');
  }
  async apply(): Promise<ApplyResult> {
    throw new Error('not used');
  }
  async rollback(): Promise<ApplyResult> {
    throw new Error('not used');
  }
  async rebootRequired() {
    return this.reboot;
  }
}

function inventory(packages: InstalledPackage[], over: Partial<Inventory> = {}): Inventory {
  return {
    collectedAt: '2026-01-01T00:00:00.000Z',
    facts,
    managers: [{ name: 'apt', ok: true }],
    packages,
    updates: [],
    reboot: { required: false, reasons: [], packages: [] },
    ...over,
  };
}

describe('collectInventory', () => {
  it('reports a failing manager with its error and keeps the others', async () => {
    const apt = new MemoryManager('apt', [pkg('jq', '1.6')], [], { required: 'unknown', reasons: ['no kernel package'], packages: [] });
    const dnf = new MemoryManager('dnf', [{ manager: 'dnf', name: 'bash', version: '5.1', arch: 'x86_64' }], new PatchwaveError('E_PKG_LOCKED', 'rpmdb locked'), {
      required: true,
      reasons: ['needs-restarting -r'],
      packages: [],
    });
    const inv = await collectInventory({ managers: [apt, dnf], facts: async () => facts, log: silentLogger(), now: () => new Date('2026-02-03T04:05:06Z') });
    expect(inv.collectedAt).toBe('2026-02-03T04:05:06.000Z');
    expect(inv.managers).toEqual([
      { name: 'apt', version: '1.0', ok: true },
      { name: 'dnf', version: '1.0', ok: false, error: { code: 'E_PKG_LOCKED', message: 'listUpdates: rpmdb locked' } },
    ]);
    expect(inv.packages.map((p) => p.name)).toEqual(['jq', 'bash']);
    expect(inv.reboot).toEqual({ required: true, reasons: ['no kernel package', 'needs-restarting -r'], packages: [] });
  });
});

describe('inventory hash and report choice', () => {
  it('hashes content only: uptime, disk usage and collection time do not change it', () => {
    const a = inventory([pkg('jq', '1.6')]);
    const b = { ...a, collectedAt: '2030-01-01T00:00:00.000Z', facts: { ...a.facts, uptimeSeconds: 999, disks: [{ ...a.facts.disks[0]!, usedBytes: 99 }] } };
    expect(inventoryHash(a)).toMatch(/^[a-f0-9]{64}$/);
    expect(inventoryHash(b)).toBe(inventoryHash(a));
    expect(inventoryHash(inventory([pkg('jq', '1.7')]))).not.toBe(inventoryHash(a));
    expect(inventoryHash(inventory([pkg('b', '1'), pkg('a', '1')]))).toBe(inventoryHash(inventory([pkg('a', '1'), pkg('b', '1')])));
  });

  it('sends nothing when the server has this content, a delta against the acked base, else full', () => {
    const old = inventory([pkg('jq', '1.6'), pkg('curl', '7'), pkg('gone', '1')]);
    const base = { hash: inventoryHash(old), packages: old.packages, ackedAt: '2026-01-01T00:00:00.000Z' };
    const next = inventory([pkg('jq', '1.7'), pkg('curl', '7'), pkg('new', '2')]);
    const hash = inventoryHash(next);

    expect(chooseReport(next, hash, base, hash).kind).toBe('none');

    const delta = chooseReport(next, hash, base, base.hash);
    expect(delta.kind).toBe('delta');
    if (delta.kind !== 'delta' || delta.payload.kind !== 'delta') throw new Error('expected a delta');
    expect(delta.payload.baseHash).toBe(base.hash);
    expect(delta.payload.packages).toEqual({ upsert: [pkg('jq', '1.7'), pkg('new', '2')], remove: [{ manager: 'apt', name: 'gone', arch: 'amd64' }] });
    // the server can rebuild exactly the new list from base + delta
    expect(applyPackageDelta(base.packages, delta.payload.packages)).toEqual([...next.packages].sort((x, y) => (x.name < y.name ? -1 : 1)));

    expect(chooseReport(next, hash, base, 'f'.repeat(64))).toMatchObject({ kind: 'full', reason: 'server holds an inventory this agent does not know' });
    expect(chooseReport(next, hash, base, null)).toMatchObject({ kind: 'full', reason: 'server has no inventory for this device' });
    expect(chooseReport(next, hash, undefined, base.hash).kind).toBe('full');
  });
});
