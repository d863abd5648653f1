import type { ErrorCode, Inventory, InventoryReport } from '@patchwave/shared';
import { applyPackageDelta } from '@patchwave/shared';
import { inventoryHash } from './inventory-hash.js';
import type { InventoryRepository } from './inventory-repository.js';
import type { StoredPackage } from './package-change.js';

type ReportPayload = InventoryReport['payload'];
type FullPayload = Extract<ReportPayload, { kind: 'full' }>;
type DeltaPayload = Extract<ReportPayload, { kind: 'delta' }>;

function toInventory(stored: readonly StoredPackage[]): Inventory['packages'] {
  return stored.map(({ since: _since, ...pkg }) => pkg);
}

/**
 * The report's content once its stated hash is verified, with the packages stored before it, or
 * 'unchanged' when the verified hash is the one stored: the packages are then the stored ones, and
 * there is nothing to read back or diff (an agent re-sending an unchanged inventory whole).
 */
export type VerifiedContent = { ok: true; inventory: Inventory; stored: StoredPackage[] | 'unchanged' } | { ok: false; code: ErrorCode; message: string };

async function fullContent(repo: InventoryRepository, storedHash: string | null, deviceId: string, payload: FullPayload): Promise<VerifiedContent> {
  const inventory = payload.inventory;
  const computed = inventoryHash(inventory);
  if (computed !== payload.hash) {
    return { ok: false, code: 'E_BAD_FRAME', message: `inventory hash ${payload.hash} does not match its content (sha256 of inventoryHashInput is ${computed})` };
  }
  return { ok: true, inventory, stored: payload.hash === storedHash ? 'unchanged' : await repo.listInstalled(deviceId) };
}

async function deltaContent(repo: InventoryRepository, storedHash: string | null, deviceId: string, payload: DeltaPayload): Promise<VerifiedContent> {
  if (storedHash === null || payload.baseHash !== storedHash) {
    return {
      ok: false,
      code: 'E_INVENTORY_BASE_MISMATCH',
      message: `delta base ${payload.baseHash} does not match the stored inventory ${storedHash ?? '(none)'}; send a full report`,
    };
  }
  const stored = await repo.listInstalled(deviceId);
  const inventory: Inventory = {
    collectedAt: payload.collectedAt,
    facts: payload.facts,
    managers: payload.managers,
    packages: applyPackageDelta(toInventory(stored), payload.packages),
    updates: payload.updates,
    reboot: payload.reboot,
  };
  const computed = inventoryHash(inventory);
  if (computed !== payload.hash) {
    return { ok: false, code: 'E_INVENTORY_BASE_MISMATCH', message: `delta applied to the stored inventory hashes to ${computed}, not ${payload.hash}; send a full report` };
  }
  return { ok: true, inventory, stored };
}

/**
 * Checks a report against what the server holds and returns its content once the stated hash is
 * verified (for a delta: the hash of the stored packages with the delta applied). Nothing whose
 * hash was not verified gets past here.
 */
export function verifiedContent(repo: InventoryRepository, deviceId: string, storedHash: string | null, payload: ReportPayload): Promise<VerifiedContent> {
  return payload.kind === 'full' ? fullContent(repo, storedHash, deviceId, payload) : deltaContent(repo, storedHash, deviceId, payload);
}
