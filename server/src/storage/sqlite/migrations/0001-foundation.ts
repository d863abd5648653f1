import { sql } from 'kysely';
import type { Migration } from './migration.js';

const statements = [
  `CREATE TABLE enrollment_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    max_uses INTEGER NOT NULL CHECK (max_uses > 0),
    uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND uses <= max_uses),
    revoked_at TEXT,
    revoked_by TEXT,
    tags_json TEXT NOT NULL DEFAULT '[]'
  ) STRICT`,
  `CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    hostname TEXT NOT NULL,
    facts_json TEXT NOT NULL,
    os_platform TEXT NOT NULL,
    os_id TEXT NOT NULL DEFAULT '',
    os_distro TEXT NOT NULL,
    os_release TEXT NOT NULL,
    arch TEXT NOT NULL,
    agent_version TEXT NOT NULL,
    criticality TEXT NOT NULL DEFAULT 'medium' CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
    credential_hash TEXT NOT NULL UNIQUE,
    enrollment_token_id TEXT REFERENCES enrollment_tokens (id) ON DELETE SET NULL,
    enrolled_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    inventory_hash TEXT,
    inventory_at TEXT,
    reboot_required TEXT CHECK (reboot_required IN ('true', 'false', 'unknown')),
    reboot_json TEXT,
    managers_json TEXT NOT NULL DEFAULT '[]',
    package_count INTEGER NOT NULL DEFAULT 0,
    update_count INTEGER NOT NULL DEFAULT 0,
    security_update_count INTEGER NOT NULL DEFAULT 0
  ) STRICT`,
  `CREATE INDEX devices_hostname ON devices (hostname COLLATE NOCASE)`,
  `CREATE INDEX devices_os ON devices (os_platform, os_id, os_release)`,
  `CREATE INDEX devices_last_seen ON devices (last_seen_at)`,
  `CREATE TABLE device_tags (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (device_id, tag)
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX device_tags_tag ON device_tags (tag, device_id)`,
  `CREATE TABLE installed_packages (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    manager TEXT NOT NULL,
    name TEXT NOT NULL,
    arch TEXT NOT NULL,
    version TEXT NOT NULL,
    source_name TEXT,
    source_version TEXT,
    since TEXT NOT NULL,
    PRIMARY KEY (device_id, manager, name, arch)
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX installed_packages_name ON installed_packages (manager, name)`,
  `CREATE INDEX installed_packages_source ON installed_packages (manager, source_name)`,
  `CREATE TABLE available_updates (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    manager TEXT NOT NULL,
    name TEXT NOT NULL,
    arch TEXT NOT NULL,
    installed_version TEXT,
    candidate_version TEXT NOT NULL,
    security TEXT NOT NULL CHECK (security IN ('true', 'false', 'unknown')),
    severity TEXT,
    advisories_json TEXT NOT NULL DEFAULT '[]',
    cves_json TEXT NOT NULL DEFAULT '[]',
    origin TEXT,
    title TEXT,
    reboot_required INTEGER,
    PRIMARY KEY (device_id, manager, name, arch)
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX available_updates_name ON available_updates (manager, name, candidate_version)`,
  `CREATE INDEX available_updates_security ON available_updates (security, device_id)`,
  `CREATE TABLE inventory_reports (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('full', 'delta')),
    hash TEXT NOT NULL,
    base_hash TEXT,
    collected_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    package_count INTEGER NOT NULL,
    update_count INTEGER NOT NULL,
    security_update_count INTEGER NOT NULL,
    change_count INTEGER NOT NULL
  ) STRICT`,
  `CREATE INDEX inventory_reports_device ON inventory_reports (device_id, received_at)`,
  `CREATE TABLE package_history (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    report_id INTEGER NOT NULL REFERENCES inventory_reports (id) ON DELETE CASCADE,
    manager TEXT NOT NULL,
    name TEXT NOT NULL,
    arch TEXT NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('installed', 'removed', 'upgraded', 'downgraded')),
    from_version TEXT,
    to_version TEXT,
    observed_at TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX package_history_device ON package_history (device_id, observed_at)`,
  `CREATE INDEX package_history_name ON package_history (manager, name, observed_at)`,
  `CREATE INDEX package_history_report ON package_history (report_id)`,
  `CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'approver', 'auditor')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
  ) STRICT`,
  `CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
  ) STRICT`,
  `CREATE INDEX audit_log_action ON audit_log (action, seq)`,
  `CREATE INDEX audit_log_target ON audit_log (target, seq)`,
  // Append-only inside the application: the chain still catches anyone who drops these triggers.
  `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
  `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
];

/** Devices, inventory, package history, enrollment and API tokens, and the audit chain. */
export const foundation: Migration = {
  id: '0001-foundation',
  async up(db) {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
