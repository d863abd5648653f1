import type { FleetSummary } from '@patchwave/shared';
import { apiRequest } from './client.js';

export const fleetSummary = (query: { staleDays?: number; top?: number }, signal?: AbortSignal) =>
  apiRequest<FleetSummary>('GET', '/api/v1/fleet/summary', { query: { ...query }, ...(signal ? { signal } : {}) });

