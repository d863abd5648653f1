import type { Kysely } from 'kysely';

/**
 * One schema step. `id` is `NNNN-name`; ids sort in the order they apply. Each `up` runs in its own
 * transaction together with the record that it ran, so a failed migration leaves nothing behind.
 */
export interface Migration {
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it is at that step, not the current one
  up(db: Kysely<any>): Promise<void>;
}
