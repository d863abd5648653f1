import type { Generated } from 'kysely';

// Row types of migrations/0400-vulnerabilities.ts. Times are ISO-8601 UTC text; JSON columns are TEXT.

export interface FeedImportsTable {
  id: string;
  started_at: string;
  finished_at: string;
  actor: string;
  origin: string;
  sources_json: string;
  counts_json: string;
  findings_json: string;
  warnings_json: string;
}

export interface AdvisoriesTable {
  id: string;
  source: string;
  modified: string;
  published: string | null;
  withdrawn: string | null;
  summary: string;
  hash: string;
  data_json: string;
  import_id: string;
  feed_file: string;
  imported_at: string;
  first_imported_at: string;
}

export interface AdvisoryCvesTable {
  cve: string;
  advisory_id: string;
}

export interface AffectedEntriesTable {
  id: Generated<number>;
  advisory_id: string;
  affected_index: number;
  ecosystem_key: string;
  name: string;
  compiled_json: string;
}

export interface KevEntriesTable {
  cve: string;
  hash: string;
  data_json: string;
  import_id: string;
  feed_file: string;
  imported_at: string;
}

export interface EpssScoresTable {
  cve: string;
  epss: number;
  percentile: number;
  hash: string;
  import_id: string;
}

export interface ThreatFeedsTable {
  feed: string;
  version: string;
  released: string;
  entries: number;
  import_id: string;
  feed_file: string;
  imported_at: string;
}

export interface KbSupersedenceTable {
  kb: string;
  superseded_by: string;
  import_id: string;
}

export interface DeviceMatchStateTable {
  device_id: string;
  report_id: number;
  matched_at: string;
  ecosystem: string | null;
  unsupported_reason: string | null;
}

export interface FindingsTable {
  id: string;
  device_id: string;
  advisory_id: string;
  source: string;
  grp: string;
  status: string;
  priority: string;
  score: number;
  severity: string;
  kev: number;
  due_at: string;
  first_seen_at: string;
  last_seen_at: string;
  published_at: string | null;
  resolved_at: string | null;
  fixed_at: string | null;
  exception_approved_at: string | null;
  exception_expires_at: string | null;
  data_json: string;
  updated_at: string;
}

export interface FindingCvesTable {
  cve: string;
  finding_id: string;
}

export interface FindingEventsTable {
  id: Generated<number>;
  finding_id: string;
  device_id: string;
  at: string;
  kind: string;
  from_status: string | null;
  to_status: string;
  actor: string | null;
  detail_json: string;
}

export interface RiskExceptionsTable {
  id: Generated<number>;
  finding_id: string;
  device_id: string;
  reason: string;
  approver: string;
  approved_at: string;
  expires_at: string;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
}

export interface DeviceComplianceTable {
  device_id: string;
  present: number;
  active: number;
  overdue: number;
  open_p1: number;
  open_p2: number;
  open_p3: number;
  open_p4: number;
  next_change_at: string | null;
  computed_at: string;
}

export interface ComplianceSnapshotsTable {
  day: string;
  dimension: string;
  key: string;
  devices_in_scope: number;
  devices_stale: number;
  devices_no_overdue: number;
  devices_no_missing_security: number;
  open_findings: number;
  overdue_findings: number;
  open_p1: number;
  open_p2: number;
  open_p3: number;
  open_p4: number;
  fixed: number;
  fixed_within_sla: number;
  fix_days_sum: number;
  became_overdue: number;
  computed_at: string;
}

export interface VulnerabilityTables {
  feed_imports: FeedImportsTable;
  advisories: AdvisoriesTable;
  advisory_cves: AdvisoryCvesTable;
  affected_entries: AffectedEntriesTable;
  kev_entries: KevEntriesTable;
  epss_scores: EpssScoresTable;
  threat_feeds: ThreatFeedsTable;
  kb_supersedence: KbSupersedenceTable;
  device_match_state: DeviceMatchStateTable;
  findings: FindingsTable;
  finding_cves: FindingCvesTable;
  finding_events: FindingEventsTable;
  risk_exceptions: RiskExceptionsTable;
  device_compliance: DeviceComplianceTable;
  compliance_snapshots: ComplianceSnapshotsTable;
}
