import { sql } from 'kysely';
import type { Migration } from './migration.js';

// One row per device group (`*`: every device). The settings are validated JSON
// (GroupSafetySettings): read whole, written whole, never queried inside.
const statements = [
  `CREATE TABLE group_safety (
    group_name TEXT PRIMARY KEY CHECK (length(group_name) BETWEEN 1 AND 64),
    settings_json TEXT NOT NULL CHECK (json_valid(settings_json)),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  ) STRICT, WITHOUT ROWID`,
];

/** Safe patching: package holds, health probes and pre-flight checks per device group. */
export const groupSafetyMigration: Migration = {
  id: '0600-group-safety',
  async up(db) {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
