// Row types of migrations/0700-policies.ts.

export interface PoliciesTable {
  id: string;
  name: string;
  spec_json: string;
  state: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  schedule_since: string;
  paused_at: string | null;
  paused_by: string | null;
  pause_reason: string | null;
  paused_deployments_json: string;
  revision: number;
}

export interface PolicyRunsTable {
  id: string;
  policy_id: string;
  trigger: string;
  time_zones_json: string;
  scheduled_for: string | null;
  started_at: string;
  finished_at: string | null;
  outcome: string;
  deployment_id: string | null;
  devices: number;
  packages: number;
  deferred: number;
  expedited: number;
  reasons_json: string;
  blockers_json: string;
  selection_json: string;
}

export interface PolicyScheduleMarksTable {
  policy_id: string;
  time_zone: string;
  fired_at: string;
}

export interface UpdateSightingsTable {
  device_id: string;
  manager: string;
  name: string;
  version: string;
  first_seen_at: string;
}

export interface PolicyTables {
  policies: PoliciesTable;
  policy_runs: PolicyRunsTable;
  policy_schedule_marks: PolicyScheduleMarksTable;
  update_sightings: UpdateSightingsTable;
}
