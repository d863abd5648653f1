/** Offset paging with a total, the shape every list endpoint returns. */
export interface PageRequest {
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type SortOrder = 'asc' | 'desc';
