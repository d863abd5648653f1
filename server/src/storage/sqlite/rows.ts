import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A connection or a transaction: repositories work the same on both. */
export type Db = Kysely<Database>;

export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
export const toDate = (s: string): Date => new Date(s);
export const toDateOrNull = (s: string | null): Date | null => (s === null ? null : new Date(s));

export function parseJson<T>(text: string | null, fallback: T): T {
  return text === null ? fallback : (JSON.parse(text) as T);
}

/** `%term%` for LIKE, with the pattern characters of the term escaped (use with `ESCAPE '\'`). */
export function likeContains(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const triState = (v: boolean | 'unknown'): string => (v === 'unknown' ? 'unknown' : v ? 'true' : 'false');
export const fromTriState = (v: string): boolean | 'unknown' => (v === 'unknown' ? 'unknown' : v === 'true');
