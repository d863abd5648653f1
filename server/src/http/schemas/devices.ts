import type {
  DeviceDetail,
  DeviceSummary,
  InstalledPackageEntry,
  InventoryReportEntry,
  PackageHistoryEntry,
} from '@patchwave/shared';
import { AvailableUpdate } from '@patchwave/shared';
import type { Device } from '../../domain/devices/device.js';
import type { HistoryEntry, InventoryReportEntry as StoredReport } from '../../domain/inventory/inventory-repository.js';
import type { StoredPackage } from '../../domain/inventory/package-change.js';
import { toIso, toIsoOrNull } from './common.js';

/**
 * The device DTOs are the shared API schemas (`@patchwave/shared`, `api/devices.ts`) so that the
 * console and the CLI read the same shapes; this file maps domain objects onto them.
 */
export {
  DeviceDetail as DeviceDetailDto,
  DeviceListQuery,
  DevicePatchBody,
  DeviceSummary as DeviceSummaryDto,
  DeviceTag as Tag,
  HistoryQuery,
  InstalledPackageEntry as PackageDto,
  InventoryReportEntry as ReportDto,
  PackageHistoryEntry as HistoryDto,
  PackageQuery,
  UpdateQuery,
} from '@patchwave/shared';

export const UpdateDto = AvailableUpdate;

export function deviceSummary(d: Device, online: boolean): DeviceSummary {
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
    approved: d.approved,
    credentialRevokedAt: toIsoOrNull(d.credentialRevokedAt),
  };
}

export function deviceDetail(d: Device, online: boolean): DeviceDetail {
  return { ...deviceSummary(d, online), facts: d.facts, enrollmentTokenId: d.enrollmentTokenId, inventoryHash: d.inventoryHash, reboot: d.reboot, managers: d.managers };
}

export const packageDto = (p: StoredPackage): InstalledPackageEntry => ({ ...p, since: toIso(p.since) });

export const historyDto = (h: HistoryEntry): PackageHistoryEntry => ({
  id: h.id,
  manager: h.manager,
  name: h.name,
  arch: h.arch,
  change: h.change,
  fromVersion: h.fromVersion,
  toVersion: h.toVersion,
  observedAt: toIso(h.observedAt),
});

export const reportDto = (r: StoredReport): InventoryReportEntry => ({
  id: r.id,
  kind: r.kind,
  hash: r.hash,
  baseHash: r.baseHash,
  collectedAt: r.collectedAt,
  receivedAt: toIso(r.receivedAt),
  counts: r.counts,
  changeCount: r.changeCount,
});
