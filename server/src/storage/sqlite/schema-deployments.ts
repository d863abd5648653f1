// Row types of the deployment tables (migrations/0200-deployments.ts). Times are ISO-8601 UTC text.

export interface DeploymentsTable {
  id: string;
  name: string;
  spec_json: string;
  state: string;
  current_wave: number | null;
  created_by: string;
  /** Added by 0550: the operator identity behind `created_by` (null only in a half-migrated row). */
  creator_identity: string | null;
  created_at: string;
  updated_at: string;
  approved_by: string | null;
  approved_at: string | null;
  approval_comment: string | null;
  change_record: string | null;
  halt_reason: string | null;
  started_at: string | null;
  finished_at: string | null;
  target_count: number;
  unassigned_count: number;
  revision: number;
}

export interface DeploymentWavesTable {
  deployment_id: string;
  idx: number;
  name: string;
  state: string;
  device_count: number;
  started_at: string | null;
  finished_at: string | null;
  skipped_gates_json: string;
  last_outcome_json: string | null;
}

export interface DeploymentDeviceJobsTable {
  job_id: string;
  deployment_id: string;
  device_id: string;
  wave: number;
  kind: string;
  state: string;
  attempts: number;
  job_json: string | null;
  rollback_of: string | null;
  hold_until: string | null;
  offered_at: string | null;
  accepted_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  rebooted_at: string | null;
  checked_in_at: string | null;
  error_code: string | null;
  message: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeploymentJobResultsTable {
  job_id: string;
  device_id: string;
  deployment_id: string | null;
  frame_id: string;
  received_at: string;
  result_json: string;
}

export interface DeploymentTables {
  deployments: DeploymentsTable;
  deployment_waves: DeploymentWavesTable;
  deployment_device_jobs: DeploymentDeviceJobsTable;
  deployment_job_results: DeploymentJobResultsTable;
}
