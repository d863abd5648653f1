import type { AuditPage, AuditQuery, AuditVerification } from '@patchwave/shared';
import { apiRequest } from './client.js';

export const listAudit = (query: Partial<AuditQuery>, signal?: AbortSignal) =>
  apiRequest<AuditPage>('GET', '/api/v1/audit', { query: { ...query }, ...(signal ? { signal } : {}) });

export const verifyAudit = (signal?: AbortSignal) => apiRequest<AuditVerification>('GET', '/api/v1/audit/verify', signal ? { signal } : {});
