import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Indexes for the console at fleet size (10,000 devices and more). The dashboard's counts read
 * only these small covering indexes instead of every device row with its facts JSON, and the
 * "most missing security updates" list stops at its first rows instead of sorting the fleet.
 */
const statements = [
  `CREATE INDEX devices_fleet_stats ON devices (last_seen_at, inventory_at, reboot_required, security_update_count, update_count)`,
  `CREATE INDEX devices_os_mix ON devices (os_platform, os_distro, os_release)`,
  `CREATE INDEX devices_security_updates ON devices (security_update_count DESC, id)`,
  `CREATE INDEX devices_updates ON devices (update_count DESC, id)`,
];

export const fleetIndexesMigration: Migration = {
  id: '0500-fleet-indexes',
  async up(db) {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
