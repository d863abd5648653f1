import { foundation } from './0001-foundation.js';
import { deploymentsMigration } from './0200-deployments.js';
import { accessMigration } from './0300-access.js';
import { vulnerabilitiesMigration } from './0400-vulnerabilities.js';
import { fleetIndexesMigration } from './0500-fleet-indexes.js';
import { deploymentCreatorMigration } from './0550-deployment-creator.js';
import { groupSafetyMigration } from './0600-group-safety.js';
import { policiesMigration } from './0700-policies.js';
import { historyIndexMigration } from './0800-history-index.js';
import type { Migration } from './migration.js';

/**
 * Every migration, in the order it applies. Append new ones at the end with the next free number
 * (0001–0099: foundation work; 0100 and up: later features). Never edit or reorder an applied one.
 */
export const MIGRATIONS: readonly Migration[] = [foundation, deploymentsMigration, accessMigration, vulnerabilitiesMigration, fleetIndexesMigration, deploymentCreatorMigration, groupSafetyMigration, policiesMigration, historyIndexMigration];

export type { Migration } from './migration.js';
