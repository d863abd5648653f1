import type { FindingDetail, FindingListItem, Page, PatchCatalogEntry, Priority } from '@patchwave/shared';
import { apiRequest } from './client.js';

export interface FindingParams {
  priority?: string;
  status?: string;
  cve?: string;
  package?: string;
  device?: string;
  kev?: 'true' | 'false';
  sort?: 'score' | 'dueAt' | 'firstSeenAt' | 'lastSeenAt';
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface CatalogParams {
  fixesFindings?: 'true' | 'false';
  kev?: 'true' | 'false';
  security?: 'true' | 'false';
  priority?: Priority;
  name?: string;
  limit?: number;
  offset?: number;
}

const sig = (signal?: AbortSignal) => (signal ? { signal } : {});

export const listFindings = (query: FindingParams, signal?: AbortSignal) => apiRequest<Page<FindingListItem>>('GET', '/api/v1/findings', { query: { ...query }, ...sig(signal) });

export const getFinding = (id: string, signal?: AbortSignal) => apiRequest<FindingDetail>('GET', `/api/v1/findings/${encodeURIComponent(id)}`, sig(signal));

export const listCatalog = (query: CatalogParams, signal?: AbortSignal) => apiRequest<Page<PatchCatalogEntry>>('GET', '/api/v1/catalog', { query: { ...query }, ...sig(signal) });
