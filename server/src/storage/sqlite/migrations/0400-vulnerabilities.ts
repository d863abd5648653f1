import { sql } from 'kysely';
import type { Migration } from './migration.js';

const FINDING_STATUS = `('open', 'fixed', 'accepted_risk', 'not_affected')`;
const PRIORITY = `('P1', 'P2', 'P3', 'P4')`;

const statements = [
  // Provenance: every advisory, KEV entry, EPSS score and supersedence edge names the import that wrote it.
  `CREATE TABLE feed_imports (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('upload', 'url', 'schedule')),
    sources_json TEXT NOT NULL,
    counts_json TEXT NOT NULL,
    findings_json TEXT NOT NULL,
    warnings_json TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX feed_imports_started ON feed_imports (started_at)`,
  `CREATE TABLE advisories (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    modified TEXT NOT NULL,
    published TEXT,
    withdrawn TEXT,
    summary TEXT NOT NULL,
    hash TEXT NOT NULL,
    data_json TEXT NOT NULL,
    import_id TEXT NOT NULL REFERENCES feed_imports (id),
    feed_file TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    first_imported_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE advisory_cves (
    cve TEXT NOT NULL,
    advisory_id TEXT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    PRIMARY KEY (cve, advisory_id)
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX advisory_cves_advisory ON advisory_cves (advisory_id)`,
  // The affected index (matching port): one row per affected[] entry that can match OS packages.
  `CREATE TABLE affected_entries (
    id INTEGER PRIMARY KEY,
    advisory_id TEXT NOT NULL,
    affected_index INTEGER NOT NULL,
    ecosystem_key TEXT NOT NULL,
    name TEXT NOT NULL,
    compiled_json TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX affected_entries_key ON affected_entries (ecosystem_key, name)`,
  `CREATE INDEX affected_entries_advisory ON affected_entries (advisory_id)`,
  `CREATE TABLE kev_entries (
    cve TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    data_json TEXT NOT NULL,
    import_id TEXT NOT NULL,
    feed_file TEXT NOT NULL,
    imported_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE epss_scores (
    cve TEXT PRIMARY KEY,
    epss REAL NOT NULL CHECK (epss >= 0 AND epss <= 1),
    percentile REAL NOT NULL CHECK (percentile >= 0 AND percentile <= 1),
    hash TEXT NOT NULL,
    import_id TEXT NOT NULL
  ) STRICT`,
  // The KEV catalog version and the EPSS model/score date the stored rows come from.
  `CREATE TABLE threat_feeds (
    feed TEXT PRIMARY KEY CHECK (feed IN ('kev', 'epss')),
    version TEXT NOT NULL,
    released TEXT NOT NULL,
    entries INTEGER NOT NULL,
    import_id TEXT NOT NULL,
    feed_file TEXT NOT NULL,
    imported_at TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE kb_supersedence (
    kb TEXT NOT NULL,
    superseded_by TEXT NOT NULL,
    import_id TEXT NOT NULL,
    PRIMARY KEY (kb, superseded_by)
  ) STRICT, WITHOUT ROWID`,
  // The installed index (matching port): what the matcher last saw of each device, by package key id.
  `CREATE TABLE match_keys (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
  ) STRICT`,
  `CREATE TABLE match_devices (
    num INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL UNIQUE,
    ecosystem_json TEXT NOT NULL
  ) STRICT`,
  `CREATE TABLE match_device_lookups (
    lookup TEXT NOT NULL,
    primary_key TEXT NOT NULL,
    device_num INTEGER NOT NULL,
    PRIMARY KEY (lookup, primary_key, device_num)
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX match_device_lookups_device ON match_device_lookups (device_num)`,
  `CREATE TABLE matchables (
    device_num INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    version TEXT NOT NULL,
    grp TEXT NOT NULL,
    binaries TEXT NOT NULL,
    PRIMARY KEY (device_num, key_id, version, grp)
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX matchables_key ON matchables (key_id, device_num)`,
  // Which inventory report a device was last matched at (crash recovery re-matches the rest).
  `CREATE TABLE device_match_state (
    device_id TEXT PRIMARY KEY,
    report_id INTEGER NOT NULL,
    matched_at TEXT NOT NULL,
    ecosystem TEXT,
    unsupported_reason TEXT
  ) STRICT`,
  `CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    advisory_id TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('osv', 'package-manager', 'kb')),
    grp TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ${FINDING_STATUS}),
    priority TEXT NOT NULL CHECK (priority IN ${PRIORITY}),
    score REAL NOT NULL,
    severity TEXT NOT NULL,
    kev INTEGER NOT NULL CHECK (kev IN (0, 1)),
    due_at TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    published_at TEXT,
    resolved_at TEXT,
    fixed_at TEXT,
    exception_approved_at TEXT,
    exception_expires_at TEXT,
    data_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT`,
  // Covering indexes: the maintained counts and the period queries never read the wide rows.
  `CREATE INDEX findings_device ON findings (device_id, status, priority, due_at, exception_expires_at)`,
  `CREATE INDEX findings_advisory ON findings (advisory_id)`,
  `CREATE INDEX findings_active_due ON findings (due_at, first_seen_at, exception_approved_at, device_id, status) WHERE status IN ('open', 'accepted_risk')`,
  `CREATE INDEX findings_exception_expiry ON findings (exception_expires_at) WHERE status = 'accepted_risk'`,
  `CREATE INDEX findings_fixed ON findings (fixed_at, device_id, first_seen_at, published_at, due_at) WHERE status = 'fixed'`,
  `CREATE INDEX findings_score ON findings (score DESC, id)`,
  `CREATE TABLE finding_cves (
    cve TEXT NOT NULL,
    finding_id TEXT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    PRIMARY KEY (cve, finding_id)
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX finding_cves_finding ON finding_cves (finding_id)`,
  `CREATE TABLE finding_events (
    id INTEGER PRIMARY KEY,
    finding_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT,
    detail_json TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX finding_events_finding ON finding_events (finding_id, id)`,
  `CREATE INDEX finding_events_at ON finding_events (at)`,
  // Accepted risks, kept after they end (revoked, expired, fixed or replaced) for auditors.
  `CREATE TABLE risk_exceptions (
    id INTEGER PRIMARY KEY,
    finding_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    approver TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT,
    ended_by TEXT,
    end_reason TEXT CHECK (end_reason IN ('revoked', 'expired', 'fixed', 'replaced', 'not_affected'))
  ) STRICT`,
  `CREATE INDEX risk_exceptions_finding ON risk_exceptions (finding_id, id)`,
  `CREATE INDEX risk_exceptions_open ON risk_exceptions (expires_at) WHERE ended_at IS NULL`,
  // Maintained per-device aggregates: exact at now once rows whose next_change_at passed are recomputed.
  `CREATE TABLE device_compliance (
    device_id TEXT PRIMARY KEY,
    present INTEGER NOT NULL,
    active INTEGER NOT NULL,
    overdue INTEGER NOT NULL,
    open_p1 INTEGER NOT NULL,
    open_p2 INTEGER NOT NULL,
    open_p3 INTEGER NOT NULL,
    open_p4 INTEGER NOT NULL,
    next_change_at TEXT,
    computed_at TEXT NOT NULL
  ) STRICT`,
  `CREATE INDEX device_compliance_next ON device_compliance (next_change_at) WHERE next_change_at IS NOT NULL`,
  `CREATE TABLE compliance_snapshots (
    day TEXT NOT NULL,
    dimension TEXT NOT NULL CHECK (dimension IN ('all', 'tag', 'group', 'os')),
    key TEXT NOT NULL,
    devices_in_scope INTEGER NOT NULL,
    devices_stale INTEGER NOT NULL,
    devices_no_overdue INTEGER NOT NULL,
    devices_no_missing_security INTEGER NOT NULL,
    open_findings INTEGER NOT NULL,
    overdue_findings INTEGER NOT NULL,
    open_p1 INTEGER NOT NULL,
    open_p2 INTEGER NOT NULL,
    open_p3 INTEGER NOT NULL,
    open_p4 INTEGER NOT NULL,
    fixed INTEGER NOT NULL,
    fixed_within_sla INTEGER NOT NULL,
    fix_days_sum REAL NOT NULL,
    became_overdue INTEGER NOT NULL,
    computed_at TEXT NOT NULL,
    PRIMARY KEY (dimension, key, day)
  ) STRICT, WITHOUT ROWID`,
  `CREATE INDEX compliance_snapshots_day ON compliance_snapshots (day)`,
  // A device that is deleted leaves the matcher's index (its findings stay: history).
  `CREATE TRIGGER devices_delete_matchables AFTER DELETE ON devices BEGIN
    DELETE FROM matchables WHERE device_num = (SELECT num FROM match_devices WHERE device_id = OLD.id);
    DELETE FROM match_device_lookups WHERE device_num = (SELECT num FROM match_devices WHERE device_id = OLD.id);
    DELETE FROM match_devices WHERE device_id = OLD.id;
    DELETE FROM device_match_state WHERE device_id = OLD.id;
  END`,
];

/** Advisories, threat intelligence, the matching indexes, findings with history, exceptions and compliance aggregates. */
export const vulnerabilitiesMigration: Migration = {
  id: '0400-vulnerabilities',
  async up(db) {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
