import { sql } from 'kysely';
import type { Migration } from './migration.js';

const OUTCOMES = ['nothing-to-do', 'awaiting-plan', 'auto-approved', 'awaiting-approval', 'failed'].map((o) => `'${o}'`).join(', ');

/**
 * Patch policies: the policies, their runs (each run that created a deployment names it: the link
 * from a policy to its deployments), when each time zone of a policy last fired, and when each
 * available update was first seen on a device (written on inventory ingest, read by the deferral).
 */
const statements = [
  `CREATE TABLE policies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    spec_json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'paused')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    schedule_since TEXT NOT NULL,
    paused_at TEXT,
    paused_by TEXT,
    pause_reason TEXT,
    paused_deployments_json TEXT NOT NULL DEFAULT '[]',
    revision INTEGER NOT NULL CHECK (revision >= 1)
  ) STRICT`,
  `CREATE TABLE policy_runs (
    id TEXT PRIMARY KEY,
    policy_id TEXT NOT NULL,
    trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'run-now')),
    time_zones_json TEXT NOT NULL,
    scheduled_for TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN (${OUTCOMES})),
    deployment_id TEXT,
    devices INTEGER NOT NULL,
    packages INTEGER NOT NULL,
    deferred INTEGER NOT NULL,
    expedited INTEGER NOT NULL,
    reasons_json TEXT NOT NULL,
    blockers_json TEXT NOT NULL,
    selection_json TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX policy_runs_policy ON policy_runs (policy_id, started_at)`,
  `CREATE INDEX policy_runs_awaiting ON policy_runs (outcome, started_at) WHERE outcome = 'awaiting-plan'`,
  `CREATE UNIQUE INDEX policy_runs_deployment ON policy_runs (deployment_id) WHERE deployment_id IS NOT NULL`,
  `CREATE TABLE policy_schedule_marks (
    policy_id TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    fired_at TEXT NOT NULL,
    PRIMARY KEY (policy_id, time_zone)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TABLE update_sightings (
    device_id TEXT NOT NULL,
    manager TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (device_id, manager, name, version)
  ) STRICT, WITHOUT ROWID`,
  // Updates already stored count as seen when this migration runs (their real first sighting is unknown).
  `INSERT OR IGNORE INTO update_sightings (device_id, manager, name, version, first_seen_at)
     SELECT a.device_id, a.manager, a.name, a.candidate_version, COALESCE(d.inventory_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
     FROM available_updates a JOIN devices d ON d.id = a.device_id`,
];

export const policiesMigration: Migration = {
  id: '0700-policies',
  async up(db) {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
