import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { LIMITS } from '../limits.js';
import { ManagerName } from '../domain/manager.js';
import { DeviceId, JobId, JobResultPayload, ManagerPlan } from '../protocol/jobs.js';
import { DeploymentSpec, GateName, WaveGates, WaveSelector } from './deployments.js';

/** What the deployment API returns; the console and the CLI render these. */

const Timestamp = z.iso.datetime({ offset: true });

/** Deployment lifecycle; the transition table lives in server/src/domain/deployments. */
export const DEPLOYMENT_STATES = [
  'draft',
  'awaiting_approval',
  'scheduled',
  'running',
  'paused',
  'halted',
  'completed',
  'aborted',
] as const;
export const DeploymentState = z.enum(DEPLOYMENT_STATES);
export type DeploymentState = z.infer<typeof DeploymentState>;

/** One device's job in a deployment. */
export const DEVICE_JOB_STATES = [
  'pending',
  'offered',
  'accepted',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'rolled_back',
  'timed_out',
  'interrupted',
] as const;
export const DeviceJobState = z.enum(DEVICE_JOB_STATES);
export type DeviceJobState = z.infer<typeof DeviceJobState>;

export const WAVE_STATES = ['pending', 'running', 'passed', 'halted', 'aborted'] as const;
export const WaveState = z.enum(WAVE_STATES);
export type WaveState = z.infer<typeof WaveState>;

export const GateCheck = z.object({
  gate: GateName,
  /** `off`: not configured; `skipped`: waived by an operator. */
  status: z.enum(['pass', 'wait', 'breach', 'skipped', 'off']),
  detail: z.string().max(LIMITS.message),
  until: Timestamp.optional(),
});
export type GateCheck = z.infer<typeof GateCheck>;

export const GateVerdictView = z.object({
  verdict: z.enum(['pass', 'wait', 'breach']),
  reason: z.string().max(LIMITS.message),
  until: Timestamp.optional(),
  checks: z.array(GateCheck).max(16),
  evaluatedAt: Timestamp,
});
export type GateVerdictView = z.infer<typeof GateVerdictView>;

const StateCounts = z.record(DeviceJobState, z.number().int().nonnegative());

export const WaveView = z.object({
  index: z.number().int().nonnegative(),
  name: z.string().max(64),
  state: WaveState,
  select: WaveSelector,
  gates: WaveGates,
  deviceCount: z.number().int().nonnegative(),
  counts: StateCounts,
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  gate: GateVerdictView.optional(),
  skippedGates: z.array(GateName).max(8),
});
export type WaveView = z.infer<typeof WaveView>;

export const DeploymentSummary = z.object({
  id: z.string().max(LIMITS.id),
  name: z.string().max(128),
  state: DeploymentState,
  /** Index of the running (or halted / paused) wave; null before start and after the end. */
  currentWave: z.number().int().nonnegative().nullable(),
  waveCount: z.number().int().nonnegative(),
  targetCount: z.number().int().nonnegative(),
  counts: StateCounts,
  createdBy: z.string().max(LIMITS.shortText),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Why the deployment halted (gate breach with its numbers, or the operator's reason). */
  haltReason: z.string().max(LIMITS.message).optional(),
});
export type DeploymentSummary = z.infer<typeof DeploymentSummary>;

export const DeploymentView = DeploymentSummary.extend({
  spec: DeploymentSpec,
  approval: z
    .object({
      approvedBy: z.string().max(LIMITS.shortText),
      approvedAt: Timestamp,
      comment: z.string().max(1024).optional(),
      changeRecord: z.string().max(LIMITS.shortText).optional(),
    })
    .optional(),
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  /** Targets that no wave selects (waves cover less than 100% and there is no `rest` wave). */
  unassignedCount: z.number().int().nonnegative(),
  waves: z.array(WaveView).max(20),
});
export type DeploymentView = z.infer<typeof DeploymentView>;

export const DeploymentList = z.object({
  items: z.array(DeploymentSummary),
  total: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
});
export type DeploymentList = z.infer<typeof DeploymentList>;

export const DeviceJobView = z.object({
  jobId: JobId,
  deploymentId: z.string().max(LIMITS.id),
  deviceId: DeviceId,
  hostname: z.string().max(LIMITS.hostname).optional(),
  wave: z.number().int().nonnegative(),
  kind: z.enum(['apply', 'rollback', 'rescan', 'reboot', 'plan']),
  state: DeviceJobState,
  /** Times the job was (re)offered. */
  attempts: z.number().int().nonnegative(),
  holdUntil: Timestamp.optional(),
  offeredAt: Timestamp.optional(),
  acceptedAt: Timestamp.optional(),
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  rebootedAt: Timestamp.optional(),
  checkedInAt: Timestamp.optional(),
  errorCode: z.enum(ERROR_CODES).optional(),
  message: z.string().max(LIMITS.message).optional(),
  /**
   * Why the job ended as it did, for people: `failed: health` (a probe that passed before broke
   * after applying), `skipped: already unhealthy` (a probe failed before anything changed: not
   * blamed on the patch), `skipped: pre-flight`; the details are in `result.safety`.
   */
  outcome: z
    .object({
      label: z.string().max(128),
      counts: z.enum(['success', 'failure', 'nothing']),
      autoRollback: z.enum(['succeeded', 'failed', 'unsupported']).optional(),
    })
    .optional(),
  result: JobResultPayload.optional(),
  /** For a rollback job: the apply job whose versions it restores. */
  rollbackOf: JobId.optional(),
  /**
   * The re-inventory behind the result: the hash the agent reported after the job and whether the
   * server stored an inventory with that hash (the evidence findings are closed on).
   */
  evidence: z
    .object({
      inventoryHash: z.string().max(64),
      verified: z.boolean(),
      inventoryAt: Timestamp.optional(),
    })
    .optional(),
  updatedAt: Timestamp,
});
export type DeviceJobView = z.infer<typeof DeviceJobView>;

export const DeviceJobList = z.object({
  items: z.array(DeviceJobView),
  total: z.number().int().nonnegative(),
});
export type DeviceJobList = z.infer<typeof DeviceJobList>;

/** What a rollback request created: one job per device that has versions to restore. */
export const RollbackView = z.object({
  deploymentId: z.string().max(LIMITS.id),
  jobs: z.array(z.object({ jobId: JobId, deviceId: DeviceId, wave: z.number().int().nonnegative(), packages: z.number().int().nonnegative() })),
  /** Devices in scope that had nothing to roll back, and why. */
  skipped: z.array(z.object({ deviceId: DeviceId, reason: z.string().max(LIMITS.message) })),
});
export type RollbackView = z.infer<typeof RollbackView>;

/**
 * Server-sent events of `GET /api/v1/deployments/:id/events` (`text/event-stream`). Each SSE
 * message has `event: <type>`, `id: <seq>` and `data: <JSON of the event>`. The stream opens with
 * one `snapshot` (the whole DeploymentView); then every change follows as it happens. A client
 * that reconnects gets a fresh snapshot (there is no replay by Last-Event-ID).
 * - `deployment.updated`: the deployment's state or wave changed (action and actor say why);
 * - `wave.updated`: a wave's state changed or its gates were evaluated with a new verdict;
 * - `job.updated`: one device job changed state (offered, accepted, running, a result, a time-out);
 * - `heartbeat`: sent every 15 s so that proxies keep the stream open.
 */
export const DEPLOYMENT_EVENT_TYPES = ['snapshot', 'deployment.updated', 'wave.updated', 'job.updated', 'heartbeat'] as const;

export const DeploymentStreamEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), seq: z.number().int().nonnegative(), at: Timestamp, deployment: DeploymentView }),
  z.object({
    type: z.literal('deployment.updated'),
    seq: z.number().int().nonnegative(),
    at: Timestamp,
    deploymentId: z.string().max(LIMITS.id),
    state: DeploymentState,
    currentWave: z.number().int().nonnegative().nullable(),
    /** The audited action (`deployment.start`, `deployment.halt`, …) and who did it. */
    action: z.string().max(128),
    actor: z.string().max(LIMITS.shortText),
    reason: z.string().max(LIMITS.message).optional(),
    haltReason: z.string().max(LIMITS.message).optional(),
  }),
  z.object({
    type: z.literal('wave.updated'),
    seq: z.number().int().nonnegative(),
    at: Timestamp,
    deploymentId: z.string().max(LIMITS.id),
    wave: z.number().int().nonnegative(),
    state: WaveState,
    gate: GateVerdictView.optional(),
  }),
  z.object({
    type: z.literal('job.updated'),
    seq: z.number().int().nonnegative(),
    at: Timestamp,
    deploymentId: z.string().max(LIMITS.id),
    jobId: JobId,
    deviceId: DeviceId,
    wave: z.number().int().nonnegative(),
    kind: z.enum(['apply', 'rollback', 'rescan', 'reboot', 'plan']),
    state: DeviceJobState,
    errorCode: z.enum(ERROR_CODES).optional(),
    message: z.string().max(LIMITS.message).optional(),
  }),
  z.object({ type: z.literal('heartbeat'), seq: z.number().int().nonnegative(), at: Timestamp }),
]);
export type DeploymentStreamEvent = z.infer<typeof DeploymentStreamEvent>;

/**
 * Something in a device's dry run an operator must look at before approving: the transaction
 * removes a package, or changes a package its groups hold (a dependency may pull one along).
 */
export const PlanFlag = z.object({
  kind: z.enum(['removes-package', 'changes-held-package']),
  manager: ManagerName,
  name: z.string().max(LIMITS.packageName),
  message: z.string().max(LIMITS.message),
});
export type PlanFlag = z.infer<typeof PlanFlag>;

/** Dry run of one device: what its package managers say they would change. */
export const DevicePlanView = z.object({
  deviceId: DeviceId,
  hostname: z.string().max(LIMITS.hostname).optional(),
  wave: z.number().int().nonnegative().nullable(),
  status: z.enum(['pending', 'ready', 'failed', 'unreachable']),
  plans: z.array(ManagerPlan).max(32),
  /** Packages the transaction would remove, across managers. */
  removals: z.array(z.object({ manager: ManagerName, name: z.string().max(LIMITS.packageName), arch: z.string().max(LIMITS.arch), from: z.string().max(LIMITS.version).nullable() })).max(LIMITS.smallList),
  flags: z.array(PlanFlag).max(LIMITS.smallList),
  errorCode: z.enum(ERROR_CODES).optional(),
  message: z.string().max(LIMITS.message).optional(),
});
export type DevicePlanView = z.infer<typeof DevicePlanView>;

export const DeploymentPlanView = z.object({
  deploymentId: z.string().max(LIMITS.id),
  requestedAt: Timestamp,
  devices: z.array(DevicePlanView),
  summary: z.object({
    devices: z.number().int().nonnegative(),
    ready: z.number().int().nonnegative(),
    withChanges: z.number().int().nonnegative(),
    withUnresolved: z.number().int().nonnegative(),
    /** Devices whose plan removes a package or changes a held one. */
    flagged: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    pending: z.number().int().nonnegative(),
  }),
});
export type DeploymentPlanView = z.infer<typeof DeploymentPlanView>;
