import { sql } from 'kysely';
import type { Migration } from './migration.js';

const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const DEPLOYMENT_STATES = ['draft', 'awaiting_approval', 'scheduled', 'running', 'paused', 'halted', 'completed', 'aborted'];
const WAVE_STATES = ['pending', 'running', 'passed', 'halted', 'aborted'];
const JOB_STATES = ['pending', 'offered', 'accepted', 'running', 'succeeded', 'failed', 'skipped', 'rolled_back', 'timed_out', 'interrupted'];
const JOB_KINDS = ['apply', 'rollback', 'rescan', 'reboot', 'plan'];

// No foreign keys to devices: a device that is removed keeps its deployment history. Waves and
// jobs name their deployment without a foreign key too, so that the repositories can be tested
// one by one (the contract suite) — the orchestrator always writes the deployment first.
const statements = [
  `CREATE TABLE deployments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN (${inList(DEPLOYMENT_STATES)})),
    current_wave INTEGER CHECK (current_wave IS NULL OR current_wave >= 0),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    approval_comment TEXT,
    change_record TEXT,
    halt_reason TEXT,
    started_at TEXT,
    finished_at TEXT,
    target_count INTEGER NOT NULL DEFAULT 0,
    unassigned_count INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL CHECK (revision >= 1)
  ) STRICT`,
  `CREATE INDEX deployments_created ON deployments (created_at, id)`,
  `CREATE INDEX deployments_state ON deployments (state, created_at)`,
  `CREATE TABLE deployment_waves (
    deployment_id TEXT NOT NULL,
    idx INTEGER NOT NULL CHECK (idx >= 0),
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN (${inList(WAVE_STATES)})),
    device_count INTEGER NOT NULL CHECK (device_count >= 0),
    started_at TEXT,
    finished_at TEXT,
    skipped_gates_json TEXT NOT NULL DEFAULT '[]',
    last_outcome_json TEXT,
    PRIMARY KEY (deployment_id, idx)
  ) STRICT, WITHOUT ROWID`,
  `CREATE TABLE deployment_device_jobs (
    job_id TEXT PRIMARY KEY,
    deployment_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    wave INTEGER NOT NULL CHECK (wave >= 0),
    kind TEXT NOT NULL CHECK (kind IN (${inList(JOB_KINDS)})),
    state TEXT NOT NULL CHECK (state IN (${inList(JOB_STATES)})),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    job_json TEXT,
    rollback_of TEXT,
    hold_until TEXT,
    offered_at TEXT,
    accepted_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    rebooted_at TEXT,
    checked_in_at TEXT,
    error_code TEXT,
    message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX deployment_device_jobs_deployment ON deployment_device_jobs (deployment_id, wave, device_id)`,
  `CREATE INDEX deployment_device_jobs_device ON deployment_device_jobs (device_id, state, created_at)`,
  `CREATE INDEX deployment_device_jobs_open ON deployment_device_jobs (state, created_at)`,
  `CREATE TABLE deployment_job_results (
    job_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    deployment_id TEXT,
    frame_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    result_json TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX deployment_job_results_deployment ON deployment_job_results (deployment_id, received_at)`,
];

/** Deployments, their waves (the assignment stored at start), device jobs and job results. */
export const deploymentsMigration: Migration = {
  id: '0200-deployments',
  async up(db) {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
