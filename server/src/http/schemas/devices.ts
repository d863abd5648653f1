import { AvailableUpdate, DeviceFacts, InstalledPackage, ManagerName, ManagerStatus, OsPlatform, RebootState } from '@patchwave/shared';
import { z } from 'zod';
import type { Device } from '../../domain/devices/device.js';
import { CRITICALITIES, MAX_TAGS, TAG_PATTERN } from '../../domain/devices/device.js';
import { DEVICE_SORT_KEYS } from '../../domain/devices/device-repository.js';
import type { HistoryEntry, InventoryReportEntry } from '../../domain/inventory/inventory-repository.js';
import { PACKAGE_CHANGES } from '../../domain/inventory/package-change.js';
import type { StoredPackage } from '../../domain/inventory/package-change.js';
import { IsoDateTime, PagingQuery, toIso, toIsoOrNull } from './common.js';

export const Tag = z.string().regex(TAG_PATTERN, 'tag must be 1-64 of letters, digits and . _ : = / @ + - (starting with a letter or digit)');
export const Criticality = z.enum(CRITICALITIES);

const Counts = z.object({ packages: z.number().int(), updates: z.number().int(), securityUpdates: z.number().int() });

export const DeviceSummaryDto = z.object({
  id: z.string(),
  hostname: z.string(),
  os: z.object({ platform: OsPlatform, id: z.string(), distro: z.string(), release: z.string() }),
  arch: z.string(),
  agentVersion: z.string(),
  criticality: Criticality,
  tags: z.array(z.string()),
  enrolledAt: IsoDateTime.describe('First seen: when the device enrolled'),
  lastSeenAt: IsoDateTime,
  online: z.boolean().describe('An agent connection is open now'),
  inventoryAt: IsoDateTime.nullable(),
  rebootRequired: z.union([z.boolean(), z.literal('unknown')]).nullable(),
  counts: Counts,
});

export const DeviceDetailDto = DeviceSummaryDto.extend({
  facts: DeviceFacts,
  enrollmentTokenId: z.string().nullable(),
  inventoryHash: z.string().nullable(),
  reboot: RebootState.nullable(),
  managers: z.array(ManagerStatus),
});

export function deviceSummary(d: Device, online: boolean): z.infer<typeof DeviceSummaryDto> {
  return {
    id: d.id,
    hostname: d.hostname,
    os: d.os,
    arch: d.arch,
    agentVersion: d.agentVersion,
    criticality: d.criticality,
    tags: d.tags,
    enrolledAt: toIso(d.enrolledAt),
    lastSeenAt: toIso(d.lastSeenAt),
    online,
    inventoryAt: toIsoOrNull(d.inventoryAt),
    rebootRequired: d.reboot ? d.reboot.required : null,
    counts: d.counts,
  };
}

export function deviceDetail(d: Device, online: boolean): z.infer<typeof DeviceDetailDto> {
  return { ...deviceSummary(d, online), facts: d.facts, enrollmentTokenId: d.enrollmentTokenId, inventoryHash: d.inventoryHash, reboot: d.reboot, managers: d.managers };
}

export const DeviceListQuery = PagingQuery.extend({
  name: z.string().min(1).max(255).optional().describe('Case-insensitive substring of the hostname'),
  os: z.string().min(1).max(64).optional().describe('OS platform (linux), os-release id (debian) or distro name'),
  tag: Tag.optional(),
  sort: z.enum(DEVICE_SORT_KEYS).default('hostname'),
  order: z.enum(['asc', 'desc']).default('asc'),
});

export const DevicePatchBody = z
  .object({
    tags: z.array(Tag).max(MAX_TAGS).optional().describe('Replaces the device tags'),
    criticality: Criticality.optional(),
  })
  .strict()
  .refine((b) => b.tags !== undefined || b.criticality !== undefined, { message: 'give tags or criticality' });

export const PackageDto = InstalledPackage.extend({ since: IsoDateTime.describe('When the current version was first observed') });
export const packageDto = (p: StoredPackage): z.infer<typeof PackageDto> => ({ ...p, since: toIso(p.since) });

export const PackageQuery = PagingQuery.extend({
  name: z.string().min(1).max(256).optional().describe('Case-insensitive substring of the package name'),
  manager: ManagerName.optional(),
});

export const UpdateQuery = PagingQuery.extend({
  security: z.enum(['true', 'false', 'unknown']).optional().describe('Only security updates (true), others (false) or unclassified (unknown)'),
  manager: ManagerName.optional(),
  name: z.string().min(1).max(256).optional(),
});
export const UpdateDto = AvailableUpdate;

export const HistoryQuery = PagingQuery.extend({
  name: z.string().min(1).max(256).optional(),
  change: z.enum(PACKAGE_CHANGES).optional(),
  since: IsoDateTime.optional(),
});

export const HistoryDto = z.object({
  id: z.number().int(),
  manager: ManagerName,
  name: z.string(),
  arch: z.string(),
  change: z.enum(PACKAGE_CHANGES),
  fromVersion: z.string().nullable(),
  toVersion: z.string().nullable(),
  observedAt: IsoDateTime,
});
export const historyDto = (h: HistoryEntry): z.infer<typeof HistoryDto> => ({
  id: h.id,
  manager: h.manager,
  name: h.name,
  arch: h.arch,
  change: h.change,
  fromVersion: h.fromVersion,
  toVersion: h.toVersion,
  observedAt: toIso(h.observedAt),
});

export const ReportDto = z.object({
  id: z.number().int(),
  kind: z.enum(['full', 'delta']),
  hash: z.string(),
  baseHash: z.string().nullable(),
  collectedAt: z.string(),
  receivedAt: IsoDateTime,
  counts: Counts,
  changeCount: z.number().int(),
});
export const reportDto = (r: InventoryReportEntry): z.infer<typeof ReportDto> => ({
  id: r.id,
  kind: r.kind,
  hash: r.hash,
  baseHash: r.baseHash,
  collectedAt: r.collectedAt,
  receivedAt: toIso(r.receivedAt),
  counts: r.counts,
  changeCount: r.changeCount,
});
