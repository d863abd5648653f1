import type { FleetSummary } from '@patchwave/shared';
import { apiRequest } from './client.js';

export const fleetSummary = (query: { staleDays?: number; top?: number }, signal?: AbortSignal) =>
  apiRequest<FleetSummary>('GET', '/api/v1/fleet/summary', { query: { ...query }, ...(signal ? { signal } : {}) });

/** Checks a token before keeping it: any valid token may read the summary. */
export const checkToken = (token: string) => apiRequest<FleetSummary>('GET', '/api/v1/fleet/summary', { query: { top: 0 }, token });
