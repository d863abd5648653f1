import type { ApprovalBlocker, PolicyRunOutcome, PolicySpec, PolicyState } from '@patchwave/shared';
import type { SelectedChange } from './auto-approval.js';

/**
 * Storage ports of the policy area. SQLite implements them in
 * server/src/storage/sqlite/sqlite-policy-repositories.ts; the contract suite is
 * server/src/storage/contract/policy-repositories.contract.ts.
 */

export interface PolicyRecord {
  id: string;
  name: string;
  spec: PolicySpec;
  state: PolicyState;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** When the schedule was last set: occurrences before it never run. */
  scheduleSince: Date;
  pausedAt: Date | null;
  pausedBy: string | null;
  pauseReason: string | null;
  /** Deployments this policy's pause paused; its resume resumes them. */
  pausedDeployments: string[];
  /** Bumped by every update; `update` takes the revision the caller read. */
  revision: number;
}

export type PolicyPatch = Partial<Pick<PolicyRecord, 'name' | 'spec' | 'state' | 'updatedAt' | 'scheduleSince' | 'pausedAt' | 'pausedBy' | 'pauseReason' | 'pausedDeployments'>>;

export interface PolicyRepository {
  insert(p: Omit<PolicyRecord, 'revision'>): Promise<PolicyRecord>;
  get(id: string): Promise<PolicyRecord | null>;
  /** By name, oldest first. */
  list(): Promise<PolicyRecord[]>;
  /** Compare-and-set on `revision`; null when the row moved meanwhile (or is gone). */
  update(id: string, revision: number, patch: PolicyPatch): Promise<PolicyRecord | null>;
  delete(id: string): Promise<boolean>;
}

/** What a run selected on one device, kept for judging its dry run. */
export interface RunDeviceSelection {
  deviceId: string;
  changes: SelectedChange[];
}

export interface PolicyRunRecord {
  id: string;
  policyId: string;
  trigger: 'schedule' | 'run-now';
  timeZones: string[];
  scheduledFor: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: PolicyRunOutcome;
  deploymentId: string | null;
  devices: number;
  packages: number;
  deferred: number;
  expedited: number;
  reasons: string[];
  blockers: ApprovalBlocker[];
  selection: RunDeviceSelection[];
}

export type PolicyRunPatch = Partial<Pick<PolicyRunRecord, 'finishedAt' | 'outcome' | 'deploymentId' | 'reasons' | 'blockers'>>;

export interface PolicyRunRepository {
  insert(run: PolicyRunRecord): Promise<void>;
  get(id: string): Promise<PolicyRunRecord | null>;
  update(id: string, patch: PolicyRunPatch): Promise<PolicyRunRecord | null>;
  /** Newest first. */
  list(policyId: string, page: { limit: number; offset: number }): Promise<{ items: PolicyRunRecord[]; total: number }>;
  /** Runs whose deployment's dry run is still to be judged (outcome `awaiting-plan`), oldest first. */
  listAwaitingPlan(): Promise<PolicyRunRecord[]>;
  /** Every run of the policy that created a deployment. */
  withDeployments(policyId: string): Promise<PolicyRunRecord[]>;
}

/** When each time zone of a policy last fired: what keeps an occurrence from running twice. */
export interface PolicyScheduleMarks {
  get(policyId: string): Promise<Map<string, Date>>;
  set(policyId: string, timeZone: string, at: Date): Promise<void>;
}

/**
 * When each available update (device, manager, name, candidate version) was first reported. The
 * inventory writer records sightings as reports arrive; the deferral reads them.
 */
export interface UpdateSightings {
  /** Key: `manager \0 name \0 version`. */
  forDevice(deviceId: string): Promise<Map<string, Date>>;
}

export interface PolicyRepositories {
  policies: PolicyRepository;
  policyRuns: PolicyRunRepository;
  policyMarks: PolicyScheduleMarks;
  updateSightings: UpdateSightings;
}
