import { diffPackages, type Inventory, type InventoryReport } from '@patchwave/shared';
import type { InventoryBase } from '../state/state-store.js';

export type ReportPayload = InventoryReport['payload'];

export type ReportChoice = { kind: 'none'; reason: string } | { kind: 'full' | 'delta'; payload: ReportPayload; reason: string };

/**
 * What to send for a freshly collected inventory:
 * - nothing when the server already holds exactly this content (`serverHash === hash`);
 * - a delta when the server holds the inventory we last had acknowledged (we know its packages);
 * - otherwise the full inventory.
 * `serverHash` is the hash from `server.welcome`, or within a session the last acked hash.
 */
export function chooseReport(inventory: Inventory, hash: string, base: InventoryBase | undefined, serverHash: string | null | undefined): ReportChoice {
  if (serverHash === hash) return { kind: 'none', reason: 'server already has this inventory' };
  if (base && serverHash && serverHash === base.hash) {
    return {
      kind: 'delta',
      reason: 'content changed since the acknowledged inventory',
      payload: {
        kind: 'delta',
        hash,
        baseHash: base.hash,
        collectedAt: inventory.collectedAt,
        facts: inventory.facts,
        managers: inventory.managers,
        packages: diffPackages(base.packages, inventory.packages),
        updates: inventory.updates,
        reboot: inventory.reboot,
      },
    };
  }
  return {
    kind: 'full',
    reason: serverHash ? 'server holds an inventory this agent does not know' : 'server has no inventory for this device',
    payload: { kind: 'full', hash, inventory },
  };
}
