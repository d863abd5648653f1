import { DEVICE_SORT_KEYS } from '@patchwave/shared';
import type { Page, SortOrder } from '../paging.js';
import type { Criticality, Device, NewDevice } from './device.js';
import type { FleetStats, FleetStatsQuery } from './fleet-stats.js';

export { DEVICE_SORT_KEYS };
export type DeviceSortKey = (typeof DEVICE_SORT_KEYS)[number];

export interface DeviceQuery {
  /** Case-insensitive substring of the hostname. */
  name?: string;
  /** Matches the OS platform (`linux`), os-release id (`debian`) or distro name, case-insensitively. */
  os?: string;
  /** Devices carrying this tag. */
  tag?: string;
  /** Devices missing at least one security update (`security`) or any update (`any`). */
  missing?: 'security' | 'any';
  /** Devices whose last inventory reports a pending reboot. */
  rebootRequired?: true;
  /** Devices last heard from before this instant. */
  lastSeenBefore?: Date;
  sort: DeviceSortKey;
  order: SortOrder;
  limit: number;
  offset: number;
}

export interface DevicePatch {
  tags?: string[];
  criticality?: Criticality;
}

/** Devices and their identity. Inventory content lives in the inventory repository. */
export interface DeviceRepository {
  insert(device: NewDevice): Promise<Device>;
  get(id: string): Promise<Device | null>;
  findByCredentialHash(credentialHash: string): Promise<Device | null>;
  list(query: DeviceQuery): Promise<Page<Device>>;
  /** Applies the patch and returns the device after it; null when there is no such device. */
  update(id: string, patch: DevicePatch): Promise<Device | null>;
  /** Records that the device was heard from (and with which agent version, when it says). */
  touch(id: string, at: Date, agentVersion?: string): Promise<void>;
  /** Records that these devices were heard from at `at` (a batch of heartbeats); unknown ids are skipped. */
  touchMany(ids: readonly string[], at: Date): Promise<void>;
  /** Counts over the whole fleet for dashboards, in one pass. */
  stats(query: FleetStatsQuery): Promise<FleetStats>;
}
