import type { DeviceFacts, ManagerStatus, OsPlatform, RebootState } from '@patchwave/shared';
import { DEVICE_TAG_PATTERN, MAX_DEVICE_TAGS } from '@patchwave/shared';

export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/** Tags label devices for targeting (`env=prod`, `internet-facing`, `web`). */
export const TAG_PATTERN = DEVICE_TAG_PATTERN;
export const MAX_TAGS = MAX_DEVICE_TAGS;

export interface DeviceOs {
  platform: OsPlatform;
  /** os-release ID (`debian`, `ubuntu`, `rocky`), empty when the host has none. */
  id: string;
  distro: string;
  release: string;
}

export interface InventoryCounts {
  packages: number;
  updates: number;
  securityUpdates: number;
}

export interface Device {
  id: string;
  hostname: string;
  facts: DeviceFacts;
  os: DeviceOs;
  arch: string;
  agentVersion: string;
  criticality: Criticality;
  tags: string[];
  enrollmentTokenId: string | null;
  enrolledAt: Date;
  lastSeenAt: Date;
  /** Null until the first inventory arrives. */
  inventoryHash: string | null;
  inventoryAt: Date | null;
  reboot: RebootState | null;
  managers: ManagerStatus[];
  counts: InventoryCounts;
  /** False while the device waits for an operator's approval (its enrollment token required it). */
  approved: boolean;
  /** Set once its agent credential was revoked: it gets no jobs and cannot connect. */
  credentialRevokedAt: Date | null;
}

/** A device as the enrollment creates it: no inventory yet. */
export interface NewDevice {
  id: string;
  hostname: string;
  facts: DeviceFacts;
  agentVersion: string;
  credentialHash: string;
  enrollmentTokenId: string | null;
  tags: string[];
  criticality: Criticality;
  enrolledAt: Date;
}

export function deviceOs(facts: DeviceFacts): DeviceOs {
  return {
    platform: facts.os.platform,
    id: facts.os.id ?? '',
    distro: facts.os.distro,
    release: facts.os.release,
  };
}

/** Sorted, de-duplicated tags; throws nothing: callers validate with TAG_PATTERN first. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort();
}
