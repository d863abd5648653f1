import { ApiErrorBody } from '@patchwave/shared';
import { z } from 'zod';

export const IsoDateTime = z.iso.datetime({ offset: true });

export const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });

export const PagingQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

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
