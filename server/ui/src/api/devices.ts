import type {
  AvailableUpdate,
  DeviceDetail,
  DeviceListQuery,
  DevicePatchBody,
  DeviceSummary,
  InstalledPackageEntry,
  InventoryReportEntry,
  ManagerName,
  Page,
  PackageHistoryEntry,
} from '@patchwave/shared';
import { apiRequest } from './client.js';

/** Query parameters as the API takes them (all optional: the server applies the defaults). */
export type DeviceListParams = Partial<DeviceListQuery>;

export interface PackageParams {
  name?: string;
  manager?: ManagerName;
  limit?: number;
  offset?: number;
}

export interface UpdateParams extends PackageParams {
  security?: 'true' | 'false' | 'unknown';
}

export interface HistoryParams {
  name?: string;
  change?: PackageHistoryEntry['change'];
  limit?: number;
  offset?: number;
}

const base = (id: string) => `/api/v1/devices/${encodeURIComponent(id)}`;

export const listDevices = (query: DeviceListParams, signal?: AbortSignal) =>
  apiRequest<Page<DeviceSummary>>('GET', '/api/v1/devices', { query: { ...query }, ...(signal ? { signal } : {}) });

export const getDevice = (id: string, signal?: AbortSignal) => apiRequest<DeviceDetail>('GET', base(id), signal ? { signal } : {});

export const patchDevice = (id: string, body: DevicePatchBody) => apiRequest<DeviceDetail>('PATCH', base(id), { body });

export const listPackages = (id: string, query: PackageParams, signal?: AbortSignal) =>
  apiRequest<Page<InstalledPackageEntry>>('GET', `${base(id)}/packages`, { query: { ...query }, ...(signal ? { signal } : {}) });

export const listUpdates = (id: string, query: UpdateParams, signal?: AbortSignal) =>
  apiRequest<Page<AvailableUpdate>>('GET', `${base(id)}/updates`, { query: { ...query }, ...(signal ? { signal } : {}) });

export const listHistory = (id: string, query: HistoryParams, signal?: AbortSignal) =>
  apiRequest<Page<PackageHistoryEntry>>('GET', `${base(id)}/history`, { query: { ...query }, ...(signal ? { signal } : {}) });

export const listReports = (id: string, query: { limit?: number; offset?: number }, signal?: AbortSignal) =>
  apiRequest<Page<InventoryReportEntry>>('GET', `${base(id)}/reports`, { query: { ...query }, ...(signal ? { signal } : {}) });
