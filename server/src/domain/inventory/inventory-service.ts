import type { AvailableUpdate, ErrorCode, InventoryReport } from '@patchwave/shared';
import { PatchwaveError } from '@patchwave/shared';
import type { Clock } from '../clock.js';
import type { InventoryCounts } from '../devices/device.js';
import type { Page, PageRequest } from '../paging.js';
import type { Store } from '../store.js';
import type { HistoryEntry, HistoryQuery, InventoryReportEntry, PackageQuery, UpdateQuery } from './inventory-repository.js';
import type { InventoryDiff, StoredPackage } from './package-change.js';
import { diffDelta, diffInventory } from './package-change.js';
import { verifiedContent } from './verified-content.js';

export type ReportOutcome =
  | { ok: true; report: InventoryReportEntry }
  | { ok: false; code: ErrorCode; message: string };

type ReportPayload = InventoryReport['payload'];

function countsOf(packages: number, updates: readonly AvailableUpdate[]): InventoryCounts {
  return { packages, updates: updates.length, securityUpdates: updates.filter((u) => u.security === true).length };
}

/** Told about every stored report after its transaction committed (vulnerability matching hooks in here). */
export type InventoryStoredListener = (event: { deviceId: string; report: InventoryReportEntry }) => Promise<void>;

/** Accepts inventory reports from agents and serves what they stored. */
export class InventoryService {
  private readonly listeners: InventoryStoredListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Adds a listener; each runs in turn after a report is stored, and must handle its own errors. */
  onStored(listener: InventoryStoredListener): void {
    this.listeners.push(listener);
  }

  /** The inventory hash the server holds for the device (null before the first report). */
  async storedHash(deviceId: string): Promise<string | null> {
    const device = await this.store.devices.get(deviceId);
    if (!device) throw new PatchwaveError('E_NOT_FOUND', `device ${deviceId} not found`);
    return device.inventoryHash;
  }

  /**
   * Stores a full report, or applies a delta when its base is what the server holds. The stated
   * hash must match the content (for a delta: the content after applying it), so both sides keep
   * agreeing on what a hash means; otherwise nothing is stored and the agent sends a full report.
   */
  async report(deviceId: string, payload: ReportPayload): Promise<ReportOutcome> {
    const outcome = await this.storeReport(deviceId, payload);
    if (outcome.ok) for (const listener of this.listeners) await listener({ deviceId, report: outcome.report });
    return outcome;
  }

  private async storeReport(deviceId: string, payload: ReportPayload): Promise<ReportOutcome> {
    const receivedAt = this.clock.now();
    return this.store.transaction(async (tx) => {
      const device = await tx.devices.get(deviceId);
      if (!device) return { ok: false, code: 'E_NOT_FOUND', message: `device ${deviceId} not found` };
      const content = await verifiedContent(tx.inventory, deviceId, device.inventoryHash, payload);
      if (!content.ok) return content;
      const { inventory, stored } = content;
      const diff: InventoryDiff =
        stored === 'unchanged'
          ? { upsert: [], remove: [], changes: [] }
          : payload.kind === 'delta'
            ? diffDelta(stored, payload.packages, receivedAt)
            : diffInventory(stored, inventory.packages, receivedAt);
      // The first inventory is the baseline: it records what is there, not what changed.
      const changes = device.inventoryHash === null && stored !== 'unchanged' && stored.length === 0 ? [] : diff.changes;
      const report = await tx.inventory.apply({
        deviceId,
        receivedAt,
        report: { kind: payload.kind, hash: payload.hash, baseHash: payload.kind === 'delta' ? payload.baseHash : null, collectedAt: inventory.collectedAt },
        facts: inventory.facts,
        managers: inventory.managers,
        reboot: inventory.reboot,
        upsert: diff.upsert,
        remove: diff.remove,
        updates: inventory.updates,
        changes,
        counts: countsOf(inventory.packages.length, inventory.updates),
      });
      return { ok: true, report };
    });
  }

  listPackages(deviceId: string, query: PackageQuery): Promise<Page<StoredPackage>> {
    return this.withDevice(deviceId, () => this.store.inventory.listPackages(deviceId, query));
  }

  listUpdates(deviceId: string, query: UpdateQuery): Promise<Page<AvailableUpdate>> {
    return this.withDevice(deviceId, () => this.store.inventory.listUpdates(deviceId, query));
  }

  listHistory(deviceId: string, query: HistoryQuery): Promise<Page<HistoryEntry>> {
    return this.withDevice(deviceId, () => this.store.inventory.listHistory(deviceId, query));
  }

  listReports(deviceId: string, query: PageRequest): Promise<Page<InventoryReportEntry>> {
    return this.withDevice(deviceId, () => this.store.inventory.listReports(deviceId, query));
  }

  private async withDevice<T>(deviceId: string, read: () => Promise<T>): Promise<T> {
    if (!(await this.store.devices.get(deviceId))) throw new PatchwaveError('E_NOT_FOUND', `device ${deviceId} not found`);
    return read();
  }
}
