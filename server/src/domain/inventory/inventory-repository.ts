import type { AvailableUpdate, DeviceFacts, ManagerName, ManagerStatus, RebootState } from '@patchwave/shared';
import type { InventoryCounts } from '../devices/device.js';
import type { Page, PageRequest } from '../paging.js';
import type { PackageChange, PackageChangeKind, StoredPackage } from './package-change.js';

export type ReportKind = 'full' | 'delta';

/** One accepted inventory report, as logged. */
export interface InventoryReportEntry {
  id: number;
  deviceId: string;
  kind: ReportKind;
  hash: string;
  baseHash: string | null;
  collectedAt: string;
  receivedAt: Date;
  counts: InventoryCounts;
  changeCount: number;
}

/** Everything one report changes, written in one transaction. */
export interface InventoryWrite {
  deviceId: string;
  receivedAt: Date;
  report: { kind: ReportKind; hash: string; baseHash: string | null; collectedAt: string };
  facts: DeviceFacts;
  managers: ManagerStatus[];
  reboot: RebootState;
  upsert: StoredPackage[];
  remove: { manager: ManagerName; name: string; arch: string }[];
  /** Replaces the device's available updates. */
  updates: AvailableUpdate[];
  changes: PackageChange[];
  counts: InventoryCounts;
}

export interface PackageQuery extends PageRequest {
  /** Case-insensitive substring of the package name. */
  name?: string;
  manager?: ManagerName;
}

export interface UpdateQuery extends PageRequest {
  security?: boolean | 'unknown';
  manager?: ManagerName;
  name?: string;
}

export interface HistoryQuery extends PageRequest {
  name?: string;
  change?: PackageChangeKind;
  /** Changes observed at or after this time. */
  since?: Date;
}

export interface HistoryEntry extends PackageChange {
  id: number;
  deviceId: string;
}

/** Installed packages, available updates, package history and the report log of each device. */
export interface InventoryRepository {
  /** Every installed package of the device (for diffing), in key order. */
  listInstalled(deviceId: string): Promise<StoredPackage[]>;
  /** Stores the report: packages, updates, history, report log and the device's inventory state. */
  apply(write: InventoryWrite): Promise<InventoryReportEntry>;
  listPackages(deviceId: string, query: PackageQuery): Promise<Page<StoredPackage>>;
  listUpdates(deviceId: string, query: UpdateQuery): Promise<Page<AvailableUpdate>>;
  /** Newest first. */
  listHistory(deviceId: string, query: HistoryQuery): Promise<Page<HistoryEntry>>;
  /** Newest first. */
  listReports(deviceId: string, query: PageRequest): Promise<Page<InventoryReportEntry>>;
}
