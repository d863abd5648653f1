import { sql } from 'kysely';
import type { Migration } from './migration.js';

const statements = [
  `CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'approver', 'auditor')),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    last_login_at TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until TEXT,
    disabled_at TEXT
  ) STRICT`,
  `CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    remote_address TEXT NOT NULL,
    user_agent TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX sessions_user ON sessions (user_id)`,
  `CREATE INDEX sessions_expiry ON sessions (expires_at)`,
  // API tokens may belong to a user (null: system tokens such as the first-start admin token).
  `ALTER TABLE api_tokens ADD COLUMN user_id TEXT REFERENCES users (id) ON DELETE SET NULL`,
  `ALTER TABLE enrollment_tokens ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 0 CHECK (requires_approval IN (0, 1))`,
  // Device trust: approval, revocation, rotation (a pending credential is accepted next to the current one).
  `ALTER TABLE devices ADD COLUMN approved INTEGER NOT NULL DEFAULT 1 CHECK (approved IN (0, 1))`,
  `ALTER TABLE devices ADD COLUMN approved_at TEXT`,
  `ALTER TABLE devices ADD COLUMN approved_by TEXT`,
  `ALTER TABLE devices ADD COLUMN credential_revoked_at TEXT`,
  `ALTER TABLE devices ADD COLUMN credential_revoked_by TEXT`,
  `ALTER TABLE devices ADD COLUMN credential_rotated_at TEXT`,
  `ALTER TABLE devices ADD COLUMN credential_rotation_requested_at TEXT`,
  `ALTER TABLE devices ADD COLUMN pending_credential_hash TEXT`,
  `CREATE UNIQUE INDEX devices_pending_credential ON devices (pending_credential_hash) WHERE pending_credential_hash IS NOT NULL`,
];

/** Operator users and sessions, owned API tokens, enrollment approval and agent credential lifecycle. */
export const accessMigration: Migration = {
  id: '0300-access',
  async up(db) {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
