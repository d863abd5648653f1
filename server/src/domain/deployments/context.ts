import type { DeviceJobState, WaveState } from '@patchwave/shared';
import { PatchwaveError } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { JobSigner } from '../signing/job-signer.js';
import type { Repositories, Store } from '../store.js';
import { applyDeploymentEvent, type DeploymentEvent } from './deployment-machine.js';
import { deviceJobMachine, type DeviceJobEvent } from './device-job-machine.js';
import type { DeploymentEventBus } from './deployment-events.js';
import type { DeploymentPatch, DeploymentRecord, DeviceJobPatch, DeviceJobRecord, WaveRecord } from './ports.js';
import type { AgentLinks } from './runtime-ports.js';

/** Everything the deployment services share. */
export interface DeploymentDeps {
  store: Store;
  audit: AuditLog;
  clock: Clock;
  links: AgentLinks;
  events: DeploymentEventBus;
  log: Logger;
  /** Signs every job before it leaves; absent until the trust work supplies one (jobs go unsigned). */
  signer?: JobSigner | undefined;
  /** How long after the job's own timeout the server waits for a result before timing a device out (default 5 min). */
  answerGraceMs?: number;
  /** How long a dry-run job stays valid (default 1 h). */
  planValidMs?: number;
}

/** The operator behind an action: `actor` is the audit identity (`api-token:<id>`, `user:<id>`). */
export interface Operator {
  id: string;
  name: string;
  actor: string;
  /** One identity per person across their session and API tokens (`user:<id>`); defaults to `actor`. */
  identity?: string;
}

export const identityOf = (op: Operator): string => op.identity ?? op.actor;

export const SYSTEM_ACTOR = 'system';
export const deviceActor = (deviceId: string) => `device:${deviceId}`;
export const deploymentTarget = (id: string) => `deployment:${id}`;

export async function loadDeployment(repos: Pick<Repositories, 'deployments'>, id: string): Promise<DeploymentRecord> {
  const d = await repos.deployments.get(id);
  if (!d) throw new PatchwaveError('E_NOT_FOUND', `deployment ${id} not found`);
  return d;
}

export interface AuditNote {
  actor: string;
  action: string;
  reason?: string | undefined;
  details?: Record<string, unknown>;
}

/**
 * Moves a deployment through its lifecycle in one transaction: the compare-and-set update, any
 * further writes (`also`), and the audit entry; then publishes the change. An illegal event throws
 * E_ILLEGAL_TRANSITION (409); a concurrent change throws E_CONFLICT.
 */
export async function changeDeployment(
  deps: DeploymentDeps,
  d: DeploymentRecord,
  event: DeploymentEvent,
  patch: Omit<DeploymentPatch, 'state' | 'currentWave' | 'updatedAt'>,
  note: AuditNote,
  also?: (tx: Repositories, updated: DeploymentRecord) => Promise<void>,
): Promise<DeploymentRecord> {
  const status = applyDeploymentEvent({ state: d.state, currentWave: d.currentWave }, event, d.spec.waves.length);
  const now = deps.clock.now();
  const updated = await deps.store.transaction(async (tx) => {
    const next = await tx.deployments.update(d.id, d.revision, { ...patch, state: status.state, currentWave: status.currentWave, updatedAt: now });
    if (!next) throw new PatchwaveError('E_CONFLICT', `deployment ${d.id} changed meanwhile; read it again and retry`);
    await also?.(tx, next);
    await deps.audit.record(tx.audit, {
      actor: note.actor,
      action: note.action,
      target: deploymentTarget(d.id),
      details: {
        from: d.state,
        to: next.state,
        ...(next.currentWave !== null ? { wave: next.currentWave } : d.currentWave !== null ? { wave: d.currentWave } : {}),
        ...(note.reason ? { reason: note.reason } : {}),
        ...(note.details ?? {}),
      },
    });
    return next;
  });
  deps.events.publish({
    type: 'deployment.updated',
    at: now.toISOString(),
    deploymentId: d.id,
    state: updated.state,
    currentWave: updated.currentWave,
    action: note.action,
    actor: note.actor,
    ...(note.reason ? { reason: note.reason.slice(0, 4000) } : {}),
    ...(updated.haltReason ? { haltReason: updated.haltReason.slice(0, 4000) } : {}),
  });
  deps.log.info({ deploymentId: d.id, from: d.state, to: updated.state, wave: updated.currentWave, action: note.action, actor: note.actor }, 'deployment state changed');
  return updated;
}

/** Sets a wave's state (and times) inside a transaction. */
export async function setWave(tx: Repositories, deploymentId: string, index: number, state: WaveState, at: Date, extra: Partial<WaveRecord> = {}): Promise<void> {
  await tx.waves.update(deploymentId, index, {
    state,
    ...(extra.startedAt !== undefined ? { startedAt: extra.startedAt } : {}),
    ...(state === 'passed' || state === 'aborted' ? { finishedAt: at } : {}),
    ...(extra.skippedGates ? { skippedGates: extra.skippedGates } : {}),
    ...(extra.lastOutcome !== undefined ? { lastOutcome: extra.lastOutcome } : {}),
  });
}

export function publishWave(deps: DeploymentDeps, wave: WaveRecord): void {
  deps.events.publish({
    type: 'wave.updated',
    at: deps.clock.now().toISOString(),
    deploymentId: wave.deploymentId,
    wave: wave.index,
    state: wave.state,
    ...(wave.lastOutcome ? { gate: gateView(wave.lastOutcome) } : {}),
  });
}

/** A stored gate outcome as the API shows it. */
export function gateView(o: NonNullable<WaveRecord['lastOutcome']>) {
  return {
    verdict: o.verdict,
    reason: o.reason.slice(0, 4000),
    ...(o.verdict === 'wait' && o.until ? { until: o.until.toISOString() } : {}),
    checks: o.checks.map((c) => ({ gate: c.gate, status: c.status, detail: c.detail.slice(0, 4000), ...(c.until ? { until: c.until.toISOString() } : {}) })),
    evaluatedAt: o.evaluatedAt.toISOString(),
  };
}

/**
 * Applies a device-job event with compare-and-set from the state the caller read. Returns the job
 * after it, or null when the event is not legal from that state or the row moved meanwhile.
 */
export async function moveJob(
  repos: Pick<Repositories, 'deviceJobs'>,
  job: DeviceJobRecord,
  event: DeviceJobEvent,
  patch: DeviceJobPatch,
): Promise<DeviceJobRecord | null> {
  if (!deviceJobMachine.can(job.state, event)) return null;
  const to: DeviceJobState = deviceJobMachine.next(job.state, event);
  return repos.deviceJobs.transition(job.jobId, job.state, to, patch);
}

export function publishJob(deps: DeploymentDeps, job: DeviceJobRecord): void {
  deps.events.publish({
    type: 'job.updated',
    at: deps.clock.now().toISOString(),
    deploymentId: job.deploymentId,
    jobId: job.jobId,
    deviceId: job.deviceId,
    wave: job.wave,
    kind: job.kind,
    state: job.state,
    ...(job.errorCode ? { errorCode: job.errorCode } : {}),
    ...(job.message ? { message: job.message.slice(0, 4000) } : {}),
  });
}

/** The newest job of each device (retries after a resume replace earlier attempts). */
export function latestPerDevice(jobs: readonly DeviceJobRecord[]): DeviceJobRecord[] {
  const latest = new Map<string, DeviceJobRecord>();
  for (const j of jobs) {
    const seen = latest.get(j.deviceId);
    if (!seen || j.createdAt > seen.createdAt || (j.createdAt.getTime() === seen.createdAt.getTime() && j.jobId > seen.jobId)) latest.set(j.deviceId, j);
  }
  return [...latest.values()].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
}
