import { ApiErrorBody } from '@patchwave/shared';
import { z } from 'zod';

export const IsoDateTime = z.iso.datetime({ offset: true });

export const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });

/** Paging lives in the shared API schemas so that clients read the same shapes. */
export { pageOf, PagingQuery } from '@patchwave/shared';

const descriptions: Record<number, string> = {
  400: 'Invalid request; `error.details.issues` names each bad field',
  401: 'Missing or invalid credential',
  403: 'The credential lacks the role this route needs',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request body too large',
};

/** Error responses for the OpenAPI document, all `ApiErrorBody`. */
export function errorResponses(...statuses: number[]): Record<number, z.ZodType> {
  return Object.fromEntries(statuses.map((s) => [s, ApiErrorBody.describe(descriptions[s] ?? 'Error')]));
}

export const toIso = (d: Date): string => d.toISOString();
export const toIsoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);
