import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Drops `package_history_name` (manager, name, observed_at): no query reads package history by
 * name (the device page reads it by device, through `package_history_device`), and keeping it cost
 * about 40% of storing a full inventory replacement — each report's 2,000 history rows landed on
 * as many different pages of that index. A fleet-wide "who changed openssl when" view would add
 * the index it needs with the query that needs it.
 */
export const historyIndexMigration: Migration = {
  id: '0800-history-index',
  async up(db) {
    await sql.raw(`DROP INDEX IF EXISTS package_history_name`).execute(db);
  },
};
