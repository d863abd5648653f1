import type { CreatedEnrollmentToken, CreateEnrollmentTokenRequest, EnrollmentTokenList, EnrollmentTokenStatus, EnrollmentTokenView } from '@patchwave/shared';
import { apiRequest } from './client.js';

const path = '/api/v1/enrollment-tokens';

export const listEnrollmentTokens = (status: EnrollmentTokenStatus | undefined, signal?: AbortSignal) =>
  apiRequest<EnrollmentTokenList>('GET', path, { query: { status }, ...(signal ? { signal } : {}) });

export const createEnrollmentToken = (body: CreateEnrollmentTokenRequest) => apiRequest<CreatedEnrollmentToken>('POST', path, { body });

export const revokeEnrollmentToken = (id: string) => apiRequest<EnrollmentTokenView>('DELETE', `${path}/${encodeURIComponent(id)}`);
