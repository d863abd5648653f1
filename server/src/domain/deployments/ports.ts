import type {
  DeploymentSpec,
  DeploymentState,
  DeviceJobState,
  ErrorCode,
  GateName,
  Job,
  JobKind,
  JobResultPayload,
  WaveState,
} from '@patchwave/shared';
import type { Page } from '../paging.js';
import type { GateOutcome } from './gates.js';

/**
 * Storage ports of the deployment domain. SQLite implements them in server/src/storage/sqlite;
 * `MemoryDeploymentRepositories` is the reference used by the domain's tests; both must pass
 * `describeDeploymentRepositoriesContract`. Every state change is a compare-and-set, so two
 * orchestrator loops (or a loop and an operator) can never both move the same row.
 */

export interface DeploymentRecord {
  id: string;
  name: string;
  spec: DeploymentSpec;
  state: DeploymentState;
  currentWave: number | null;
  createdBy: string;
  /** The operator behind `createdBy` (`user:<id>` across sessions and tokens): what self-approval is checked on. */
  creatorIdentity: string;
  createdAt: Date;
  updatedAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  approvalComment: string | null;
  changeRecord: string | null;
  haltReason: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Resolved at start; 0 before. */
  targetCount: number;
  unassignedCount: number;
  /** Bumped by every update; `update` takes the revision the caller read. */
  revision: number;
}

export interface NewDeployment {
  id: string;
  name: string;
  spec: DeploymentSpec;
  createdBy: string;
  /** Defaults to `createdBy`. */
  creatorIdentity?: string;
  createdAt: Date;
  changeRecord?: string | null;
}

export type DeploymentPatch = Partial<
  Pick<
    DeploymentRecord,
    | 'state'
    | 'currentWave'
    | 'approvedBy'
    | 'approvedAt'
    | 'approvalComment'
    | 'changeRecord'
    | 'haltReason'
    | 'startedAt'
    | 'finishedAt'
    | 'targetCount'
    | 'unassignedCount'
  >
> & { updatedAt: Date };

export interface DeploymentQuery {
  states?: readonly DeploymentState[];
  limit: number;
  offset: number;
}

export interface DeploymentRepository {
  /** Stores a new deployment in `draft` at revision 1. A duplicate id is an E_CONFLICT error. */
  insert(d: NewDeployment): Promise<DeploymentRecord>;
  get(id: string): Promise<DeploymentRecord | null>;
  /** Newest first (createdAt, then id). */
  list(query: DeploymentQuery): Promise<Page<DeploymentRecord>>;
  /** Applies `patch` only when the stored revision is `expectedRevision`; null otherwise (or when absent). */
  update(id: string, expectedRevision: number, patch: DeploymentPatch): Promise<DeploymentRecord | null>;
}

export type StoredGateOutcome = GateOutcome & { evaluatedAt: Date };

export interface WaveRecord {
  deploymentId: string;
  index: number;
  name: string;
  state: WaveState;
  deviceCount: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  skippedGates: GateName[];
  /** The last gate evaluation, shown to operators (and the breach reason when it halted). */
  lastOutcome: StoredGateOutcome | null;
}

export type WavePatch = Partial<Pick<WaveRecord, 'state' | 'startedAt' | 'finishedAt' | 'skippedGates' | 'lastOutcome'>>;

export interface WaveRepository {
  /** Stores a deployment's waves (at start, with the assignment). A duplicate (deployment, index) is E_CONFLICT. */
  insertMany(waves: readonly WaveRecord[]): Promise<void>;
  /** By index. */
  list(deploymentId: string): Promise<WaveRecord[]>;
  get(deploymentId: string, index: number): Promise<WaveRecord | null>;
  update(deploymentId: string, index: number, patch: WavePatch): Promise<WaveRecord | null>;
}

export interface DeviceJobRecord {
  jobId: string;
  deploymentId: string;
  deviceId: string;
  wave: number;
  kind: JobKind;
  state: DeviceJobState;
  /** Times the job was offered (a re-offer after a reconnect sends the same envelope again). */
  attempts: number;
  /** The envelope as first offered (signed), null while pending. */
  job: Job | null;
  /** For a rollback job: the apply job whose versions it restores. */
  rollbackOf: string | null;
  holdUntil: Date | null;
  offeredAt: Date | null;
  acceptedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** When the device rebooted (or will, with the deadline policy) for this job. */
  rebootedAt: Date | null;
  /** Its `agent.rebooted` check-in after that reboot. */
  checkedInAt: Date | null;
  errorCode: ErrorCode | null;
  message: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewDeviceJob {
  jobId: string;
  deploymentId: string;
  deviceId: string;
  wave: number;
  kind: JobKind;
  rollbackOf?: string | null;
  createdAt: Date;
}

export type DeviceJobPatch = Partial<
  Pick<
    DeviceJobRecord,
    | 'attempts'
    | 'job'
    | 'holdUntil'
    | 'offeredAt'
    | 'acceptedAt'
    | 'startedAt'
    | 'finishedAt'
    | 'rebootedAt'
    | 'checkedInAt'
    | 'errorCode'
    | 'message'
  >
> & { updatedAt: Date };

export interface DeviceJobQuery {
  wave?: number;
  states?: readonly DeviceJobState[];
  kind?: JobKind;
  deviceIds?: readonly string[];
}

export interface DeviceJobRepository {
  /** All or nothing: a duplicate job id (stored or within the batch) is E_CONFLICT and stores none. */
  insertMany(jobs: readonly NewDeviceJob[]): Promise<void>;
  get(jobId: string): Promise<DeviceJobRecord | null>;
  /** By wave, then device id. */
  list(deploymentId: string, query?: DeviceJobQuery): Promise<DeviceJobRecord[]>;
  /** Jobs of one device that still wait for it (offered again when it connects), oldest first. */
  listOpenForDevice(deviceId: string): Promise<DeviceJobRecord[]>;
  /** Every job that still waits for its device, across deployments, oldest first (the orchestrator's work list). */
  listOpen(): Promise<DeviceJobRecord[]>;
  /** Moves the job from `from` to `to` with `patch` only if it is still in `from`; null otherwise. */
  transition(jobId: string, from: DeviceJobState, to: DeviceJobState, patch: DeviceJobPatch): Promise<DeviceJobRecord | null>;
  /** Changes fields but not the state (a check-in, a hold). */
  patch(jobId: string, patch: DeviceJobPatch): Promise<DeviceJobRecord | null>;
  /** Every state, zero-filled. */
  countByState(deploymentId: string, wave?: number): Promise<Record<DeviceJobState, number>>;
}

export interface StoredJobResult {
  jobId: string;
  deviceId: string;
  deploymentId: string | null;
  /** Frame id of the `job.result` the agent sent (what the server acks). */
  frameId: string;
  receivedAt: Date;
  result: JobResultPayload;
}

export interface JobResultRepository {
  /**
   * Stores the first result for a job id. A repeat (the agent re-sends until acked) is not stored
   * again: `inserted` is false and `stored` is the one kept, so a result counts once.
   */
  insert(result: StoredJobResult): Promise<{ inserted: boolean; stored: StoredJobResult }>;
  get(jobId: string): Promise<StoredJobResult | null>;
  /** By receivedAt. */
  listByDeployment(deploymentId: string): Promise<StoredJobResult[]>;
}

/** The deployment area's repositories, bound to one connection or transaction. */
export interface DeploymentRepositories {
  deployments: DeploymentRepository;
  waves: WaveRepository;
  deviceJobs: DeviceJobRepository;
  jobResults: JobResultRepository;
}
