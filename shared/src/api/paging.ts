import { z } from 'zod';

/** Offset paging as every list endpoint takes it (query strings arrive as text, hence coerce). */
export const PagingQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});
export type PagingQuery = z.infer<typeof PagingQuery>;

/** A page of `item` with the total that matched, the shape every offset-paged list returns. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

/** The type of a page of `T`, for clients that only need the shape. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const SortOrder = z.enum(['asc', 'desc']);
export type SortOrder = z.infer<typeof SortOrder>;
