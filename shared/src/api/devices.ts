import { z } from 'zod';
import { DeviceFacts, OsPlatform } from '../domain/device.js';
import { ManagerStatus } from '../domain/inventory.js';
import { ManagerName } from '../domain/manager.js';
import { InstalledPackage } from '../domain/package.js';
import { RebootState } from '../domain/reboot.js';
import { AssetCriticality } from './findings.js';
import { PagingQuery, SortOrder } from './paging.js';

/**
 * Devices as the REST API (`/api/v1/devices…`), the CLI and the console see them. The server maps
 * its domain objects onto these; clients take their types from here.
 */

const Timestamp = z.iso.datetime({ offset: true });

/** Tags label devices for targeting (`env=prod`, `internet-facing`, `web`). */
export const DEVICE_TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:=/@+-]{0,63}$/;
export const MAX_DEVICE_TAGS = 64;
export const DeviceTag = z.string().regex(DEVICE_TAG_PATTERN, 'tag must be 1-64 of letters, digits and . _ : = / @ + - (starting with a letter or digit)');

/** What the device list can be sorted by. */
export const DEVICE_SORT_KEYS = ['hostname', 'os', 'lastSeenAt', 'enrolledAt', 'criticality', 'securityUpdates', 'updates'] as const;
export const DeviceSortKey = z.enum(DEVICE_SORT_KEYS);
export type DeviceSortKey = z.infer<typeof DeviceSortKey>;

/** Package changes recorded in a device's history. */
export const PACKAGE_CHANGES = ['installed', 'removed', 'upgraded', 'downgraded'] as const;
export const PackageChange = z.enum(PACKAGE_CHANGES);

const Count = z.number().int().nonnegative();
export const InventoryCounts = z.object({ packages: Count, updates: Count, securityUpdates: Count });
export type InventoryCounts = z.infer<typeof InventoryCounts>;

export const DeviceSummary = z.object({
  id: z.string(),
  hostname: z.string(),
  os: z.object({ platform: OsPlatform, id: z.string(), distro: z.string(), release: z.string() }),
  arch: z.string(),
  agentVersion: z.string(),
  criticality: AssetCriticality,
  tags: z.array(z.string()),
  enrolledAt: Timestamp.describe('First seen: when the device enrolled'),
  lastSeenAt: Timestamp,
  online: z.boolean().describe('An agent connection is open now'),
  inventoryAt: Timestamp.nullable(),
  rebootRequired: z.union([z.boolean(), z.literal('unknown')]).nullable(),
  counts: InventoryCounts,
  /** False while the device waits for an operator's approval (its enrollment token required it): it gets no jobs. */
  approved: z.boolean(),
  /** Set once its agent credential was revoked (it cannot connect and gets no jobs). */
  credentialRevokedAt: Timestamp.nullable(),
});
export type DeviceSummary = z.infer<typeof DeviceSummary>;

export const DeviceDetail = DeviceSummary.extend({
  facts: DeviceFacts,
  enrollmentTokenId: z.string().nullable(),
  inventoryHash: z.string().nullable(),
  reboot: RebootState.nullable(),
  managers: z.array(ManagerStatus),
});
export type DeviceDetail = z.infer<typeof DeviceDetail>;

export const DeviceListQuery = PagingQuery.extend({
  name: z.string().min(1).max(255).optional().describe('Case-insensitive substring of the hostname'),
  os: z.string().min(1).max(64).optional().describe('OS platform (linux), os-release id (debian) or distro name'),
  tag: DeviceTag.optional(),
  missing: z.enum(['security', 'any']).optional().describe('Only devices missing at least one security update (security) or any update (any)'),
  reboot: z.enum(['required']).optional().describe('Only devices that report a pending reboot'),
  notSeenForDays: z.coerce.number().int().min(1).max(3650).optional().describe('Only devices not heard from for at least this many days'),
  sort: DeviceSortKey.default('hostname'),
  order: SortOrder.default('asc'),
});
export type DeviceListQuery = z.infer<typeof DeviceListQuery>;

export const DevicePatchBody = z
  .object({
    tags: z.array(DeviceTag).max(MAX_DEVICE_TAGS).optional().describe('Replaces the device tags'),
    criticality: AssetCriticality.optional(),
  })
  .strict()
  .refine((b) => b.tags !== undefined || b.criticality !== undefined, { message: 'give tags or criticality' });
export type DevicePatchBody = z.infer<typeof DevicePatchBody>;

export const InstalledPackageEntry = InstalledPackage.extend({ since: Timestamp.describe('When the current version was first observed') });
export type InstalledPackageEntry = z.infer<typeof InstalledPackageEntry>;

export const PackageQuery = PagingQuery.extend({
  name: z.string().min(1).max(256).optional().describe('Case-insensitive substring of the package name'),
  manager: ManagerName.optional(),
});

export const UpdateQuery = PagingQuery.extend({
  security: z.enum(['true', 'false', 'unknown']).optional().describe('Only security updates (true), others (false) or unclassified (unknown)'),
  manager: ManagerName.optional(),
  name: z.string().min(1).max(256).optional(),
});

export const HistoryQuery = PagingQuery.extend({
  name: z.string().min(1).max(256).optional(),
  change: PackageChange.optional(),
  since: Timestamp.optional(),
});

export const PackageHistoryEntry = z.object({
  id: z.number().int(),
  manager: ManagerName,
  name: z.string(),
  arch: z.string(),
  change: PackageChange,
  fromVersion: z.string().nullable(),
  toVersion: z.string().nullable(),
  observedAt: Timestamp,
});
export type PackageHistoryEntry = z.infer<typeof PackageHistoryEntry>;

export const InventoryReportEntry = z.object({
  id: z.number().int(),
  kind: z.enum(['full', 'delta']),
  hash: z.string(),
  baseHash: z.string().nullable(),
  collectedAt: z.string(),
  receivedAt: Timestamp,
  counts: InventoryCounts,
  changeCount: z.number().int(),
});
export type InventoryReportEntry = z.infer<typeof InventoryReportEntry>;
