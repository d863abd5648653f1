import type { Generated } from 'kysely';
import type { AccessTables } from './schema-access.js';
import type { DeploymentTables } from './schema-deployments.js';
import type { GroupSafetyTables } from './schema-group-safety.js';
import type { PolicyTables } from './schema-policies.js';
import type { VulnerabilityTables } from './schema-vulnerabilities.js';

// Row types of the SQLite schema (migrations/0001-foundation.ts). Times are ISO-8601 UTC strings,
// which sort as text; JSON columns are TEXT; booleans are 0/1, tri-states 'true'|'false'|'unknown'.

export interface DevicesTable {
  id: string;
  hostname: string;
  facts_json: string;
  os_platform: string;
  os_id: string;
  os_distro: string;
  os_release: string;
  arch: string;
  agent_version: string;
  criticality: string;
  credential_hash: string;
  enrollment_token_id: string | null;
  enrolled_at: string;
  last_seen_at: string;
  inventory_hash: string | null;
  inventory_at: string | null;
  reboot_required: string | null;
  reboot_json: string | null;
  managers_json: string;
  package_count: number;
  update_count: number;
  security_update_count: number;
  // 0300-access: trust state (defaults: approved, nothing revoked or pending)
  approved: Generated<number>;
  approved_at: string | null;
  approved_by: string | null;
  credential_revoked_at: string | null;
  credential_revoked_by: string | null;
  credential_rotated_at: string | null;
  credential_rotation_requested_at: string | null;
  pending_credential_hash: string | null;
}

export interface DeviceTagsTable {
  device_id: string;
  tag: string;
}

export interface InstalledPackagesTable {
  device_id: string;
  manager: string;
  name: string;
  arch: string;
  version: string;
  source_name: string | null;
  source_version: string | null;
  since: string;
}

export interface AvailableUpdatesTable {
  device_id: string;
  manager: string;
  name: string;
  arch: string;
  installed_version: string | null;
  candidate_version: string;
  security: string;
  severity: string | null;
  advisories_json: string;
  cves_json: string;
  origin: string | null;
  title: string | null;
  reboot_required: number | null;
}

export interface PackageHistoryTable {
  id: Generated<number>;
  device_id: string;
  report_id: number;
  manager: string;
  name: string;
  arch: string;
  change: string;
  from_version: string | null;
  to_version: string | null;
  observed_at: string;
}

export interface InventoryReportsTable {
  id: Generated<number>;
  device_id: string;
  kind: string;
  hash: string;
  base_hash: string | null;
  collected_at: string;
  received_at: string;
  package_count: number;
  update_count: number;
  security_update_count: number;
  change_count: number;
}

export interface EnrollmentTokensTable {
  id: string;
  name: string;
  secret_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  max_uses: number;
  uses: number;
  revoked_at: string | null;
  revoked_by: string | null;
  tags_json: string;
  /** 0300-access */
  requires_approval: Generated<number>;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  secret_hash: string;
  role: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  /** 0300-access: the owning user, null for system tokens. */
  user_id: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  details_json: string;
  prev_hash: string;
  hash: string;
}

export interface SchemaMigrationsTable {
  id: string;
  applied_at: string;
}

export interface Database extends DeploymentTables, AccessTables, VulnerabilityTables, GroupSafetyTables, PolicyTables {
  devices: DevicesTable;
  device_tags: DeviceTagsTable;
  installed_packages: InstalledPackagesTable;
  available_updates: AvailableUpdatesTable;
  package_history: PackageHistoryTable;
  inventory_reports: InventoryReportsTable;
  enrollment_tokens: EnrollmentTokensTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  schema_migrations: SchemaMigrationsTable;
}
