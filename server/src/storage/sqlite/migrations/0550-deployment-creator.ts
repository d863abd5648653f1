import { sql } from 'kysely';
import type { Migration } from './migration.js';

/**
 * Who created a deployment as one operator identity (`user:<id>` for a user's session and every
 * one of their API tokens), so that the four-eyes rule cannot be passed by approving one's own
 * deployment through a token. Rows from before keep their audit actor as identity.
 */
export const deploymentCreatorMigration: Migration = {
  id: '0550-deployment-creator',
  async up(db) {
    await sql.raw(`ALTER TABLE deployments ADD COLUMN creator_identity TEXT`).execute(db);
    await sql.raw(`UPDATE deployments SET creator_identity = created_by`).execute(db);
  },
};
