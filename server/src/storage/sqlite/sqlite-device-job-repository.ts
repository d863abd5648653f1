import { DEVICE_JOB_STATES, type DeviceJobState, type ErrorCode, type Job, type JobKind } from '@patchwave/shared';
import { OPEN_DEVICE_JOB_STATES } from '../../domain/deployments/device-job-machine.js';
import type { DeviceJobPatch, DeviceJobQuery, DeviceJobRecord, DeviceJobRepository, NewDeviceJob } from '../../domain/deployments/ports.js';
import type { Db } from './rows.js';
import { iso, isoOrNull, toDate, toDateOrNull } from './rows.js';
import type { DeploymentDeviceJobsTable } from './schema-deployments.js';
import { conflictAs } from './sqlite-conflict.js';

/**
 * The stored envelope, parsed when first read: the orchestrator's passes read every open job and
 * every job of a wave but look at no envelope, and parsing thousands of signed envelopes per pass
 * was most of a pass's cost. The property is an ordinary enumerable value once read.
 */
function withLazyEnvelope(record: Omit<DeviceJobRecord, 'job'>, json: string | null): DeviceJobRecord {
  return Object.defineProperty(record, 'job', {
    enumerable: true,
    configurable: true,
    get(this: DeviceJobRecord) {
      const job = json === null ? null : (JSON.parse(json) as Job);
      Object.defineProperty(this, 'job', { value: job, enumerable: true, configurable: true, writable: true });
      return job;
    },
    set(this: DeviceJobRecord, value: Job | null) {
      Object.defineProperty(this, 'job', { value, enumerable: true, configurable: true, writable: true });
    },
  }) as DeviceJobRecord;
}

function toRecord(row: DeploymentDeviceJobsTable): DeviceJobRecord {
  return withLazyEnvelope({
    jobId: row.job_id,
    deploymentId: row.deployment_id,
    deviceId: row.device_id,
    wave: row.wave,
    kind: row.kind as JobKind,
    state: row.state as DeviceJobState,
    attempts: row.attempts,
    rollbackOf: row.rollback_of,
    holdUntil: toDateOrNull(row.hold_until),
    offeredAt: toDateOrNull(row.offered_at),
    acceptedAt: toDateOrNull(row.accepted_at),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    rebootedAt: toDateOrNull(row.rebooted_at),
    checkedInAt: toDateOrNull(row.checked_in_at),
    errorCode: row.error_code as ErrorCode | null,
    message: row.message,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  }, row.job_json);
}

function patchColumns(p: DeviceJobPatch): Partial<DeploymentDeviceJobsTable> {
  const out: Partial<DeploymentDeviceJobsTable> = { updated_at: iso(p.updatedAt) };
  if (p.attempts !== undefined) out.attempts = p.attempts;
  if (p.job !== undefined) out.job_json = p.job === null ? null : JSON.stringify(p.job);
  if (p.holdUntil !== undefined) out.hold_until = isoOrNull(p.holdUntil);
  if (p.offeredAt !== undefined) out.offered_at = isoOrNull(p.offeredAt);
  if (p.acceptedAt !== undefined) out.accepted_at = isoOrNull(p.acceptedAt);
  if (p.startedAt !== undefined) out.started_at = isoOrNull(p.startedAt);
  if (p.finishedAt !== undefined) out.finished_at = isoOrNull(p.finishedAt);
  if (p.rebootedAt !== undefined) out.rebooted_at = isoOrNull(p.rebootedAt);
  if (p.checkedInAt !== undefined) out.checked_in_at = isoOrNull(p.checkedInAt);
  if (p.errorCode !== undefined) out.error_code = p.errorCode;
  if (p.message !== undefined) out.message = p.message;
  return out;
}

/** SQLite caps bound parameters per statement; insert big batches in slices. */
const INSERT_SLICE = 1000;

export class SqliteDeviceJobRepository implements DeviceJobRepository {
  constructor(private readonly db: Db) {}

  async insertMany(jobs: readonly NewDeviceJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const rows = jobs.map((j) => ({
      job_id: j.jobId,
      deployment_id: j.deploymentId,
      device_id: j.deviceId,
      wave: j.wave,
      kind: j.kind,
      state: 'pending',
      attempts: 0,
      job_json: null,
      rollback_of: j.rollbackOf ?? null,
      hold_until: null,
      offered_at: null,
      accepted_at: null,
      started_at: null,
      finished_at: null,
      rebooted_at: null,
      checked_in_at: null,
      error_code: null,
      message: null,
      created_at: iso(j.createdAt),
      updated_at: iso(j.createdAt),
    }));
    const write = async (db: Db) => {
      for (let i = 0; i < rows.length; i += INSERT_SLICE) await db.insertInto('deployment_device_jobs').values(rows.slice(i, i + INSERT_SLICE)).execute();
    };
    await conflictAs('a device job with one of these ids already exists', () => (this.db.isTransaction ? write(this.db) : this.db.transaction().execute(write)));
  }

  async get(jobId: string): Promise<DeviceJobRecord | null> {
    const row = await this.db.selectFrom('deployment_device_jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(deploymentId: string, q: DeviceJobQuery = {}): Promise<DeviceJobRecord[]> {
    let query = this.db.selectFrom('deployment_device_jobs').selectAll().where('deployment_id', '=', deploymentId);
    if (q.wave !== undefined) query = query.where('wave', '=', q.wave);
    if (q.states) query = query.where('state', 'in', q.states.length ? [...q.states] : ['(none)']);
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.deviceIds) query = query.where('device_id', 'in', q.deviceIds.length ? [...q.deviceIds] : ['(none)']);
    const rows = await query.orderBy('wave').orderBy('device_id').orderBy('job_id').execute();
    return rows.map(toRecord);
  }

  async listOpenForDevice(deviceId: string): Promise<DeviceJobRecord[]> {
    const rows = await this.db
      .selectFrom('deployment_device_jobs')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('state', 'in', [...OPEN_DEVICE_JOB_STATES])
      .orderBy('created_at')
      .orderBy('job_id')
      .execute();
    return rows.map(toRecord);
  }

  async listOpen(): Promise<DeviceJobRecord[]> {
    const rows = await this.db
      .selectFrom('deployment_device_jobs')
      .selectAll()
      .where('state', 'in', [...OPEN_DEVICE_JOB_STATES])
      .orderBy('created_at')
      .orderBy('job_id')
      .execute();
    return rows.map(toRecord);
  }

  async transition(jobId: string, from: DeviceJobState, to: DeviceJobState, patch: DeviceJobPatch): Promise<DeviceJobRecord | null> {
    const row = await this.db
      .updateTable('deployment_device_jobs')
      .set({ ...patchColumns(patch), state: to })
      .where('job_id', '=', jobId)
      .where('state', '=', from)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async patch(jobId: string, patch: DeviceJobPatch): Promise<DeviceJobRecord | null> {
    const row = await this.db.updateTable('deployment_device_jobs').set(patchColumns(patch)).where('job_id', '=', jobId).returningAll().executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async countByState(deploymentId: string, wave?: number): Promise<Record<DeviceJobState, number>> {
    let query = this.db
      .selectFrom('deployment_device_jobs')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('deployment_id', '=', deploymentId);
    if (wave !== undefined) query = query.where('wave', '=', wave);
    const rows = await query.groupBy('state').execute();
    const counts = Object.fromEntries(DEVICE_JOB_STATES.map((s) => [s, 0])) as Record<DeviceJobState, number>;
    for (const r of rows) counts[r.state as DeviceJobState] = Number(r.n);
    return counts;
  }
}
