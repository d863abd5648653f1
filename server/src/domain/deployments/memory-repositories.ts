import { DEVICE_JOB_STATES, PatchwaveError, type DeviceJobState } from '@patchwave/shared';
import type { Page } from '../paging.js';
import { OPEN_DEVICE_JOB_STATES } from './device-job-machine.js';
import type {
  DeploymentPatch,
  DeploymentQuery,
  DeploymentRecord,
  DeploymentRepositories,
  DeploymentRepository,
  DeviceJobPatch,
  DeviceJobQuery,
  DeviceJobRecord,
  DeviceJobRepository,
  JobResultRepository,
  NewDeployment,
  NewDeviceJob,
  StoredJobResult,
  WavePatch,
  WaveRecord,
  WaveRepository,
} from './ports.js';

/** Copies in and out, like a database would: callers never share objects with the store. */
const copy = <T>(value: T): T => structuredClone(value);
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

class MemoryDeploymentRepository implements DeploymentRepository {
  private readonly rows = new Map<string, DeploymentRecord>();

  async insert(d: NewDeployment): Promise<DeploymentRecord> {
    if (this.rows.has(d.id)) throw new PatchwaveError('E_CONFLICT', `deployment ${d.id} already exists`);
    const row: DeploymentRecord = {
      id: d.id,
      name: d.name,
      spec: d.spec,
      state: 'draft',
      currentWave: null,
      createdBy: d.createdBy,
      creatorIdentity: d.creatorIdentity ?? d.createdBy,
      createdAt: d.createdAt,
      updatedAt: d.createdAt,
      approvedBy: null,
      approvedAt: null,
      approvalComment: null,
      changeRecord: d.changeRecord ?? null,
      haltReason: null,
      startedAt: null,
      finishedAt: null,
      targetCount: 0,
      unassignedCount: 0,
      revision: 1,
    };
    this.rows.set(d.id, copy(row));
    return copy(row);
  }

  async get(id: string): Promise<DeploymentRecord | null> {
    const row = this.rows.get(id);
    return row ? copy(row) : null;
  }

  async list(query: DeploymentQuery): Promise<Page<DeploymentRecord>> {
    const all = [...this.rows.values()]
      .filter((r) => !query.states || query.states.includes(r.state))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || byString(b.id, a.id));
    return { items: copy(all.slice(query.offset, query.offset + query.limit)), total: all.length, limit: query.limit, offset: query.offset };
  }

  async update(id: string, expectedRevision: number, patch: DeploymentPatch): Promise<DeploymentRecord | null> {
    const row = this.rows.get(id);
    if (!row || row.revision !== expectedRevision) return null;
    const next = { ...row, ...copy(patch), revision: row.revision + 1 };
    this.rows.set(id, next);
    return copy(next);
  }
}

class MemoryWaveRepository implements WaveRepository {
  private readonly rows = new Map<string, WaveRecord>();
  private key = (deploymentId: string, index: number) => `${deploymentId}\u0000${index}`;

  async insertMany(waves: readonly WaveRecord[]): Promise<void> {
    const keys = waves.map((w) => this.key(w.deploymentId, w.index));
    if (new Set(keys).size !== keys.length || keys.some((k) => this.rows.has(k))) {
      throw new PatchwaveError('E_CONFLICT', 'a wave with this deployment and index already exists');
    }
    waves.forEach((w, i) => this.rows.set(keys[i] as string, copy(w)));
  }

  async list(deploymentId: string): Promise<WaveRecord[]> {
    return copy([...this.rows.values()].filter((w) => w.deploymentId === deploymentId).sort((a, b) => a.index - b.index));
  }

  async get(deploymentId: string, index: number): Promise<WaveRecord | null> {
    const row = this.rows.get(this.key(deploymentId, index));
    return row ? copy(row) : null;
  }

  async update(deploymentId: string, index: number, patch: WavePatch): Promise<WaveRecord | null> {
    const key = this.key(deploymentId, index);
    const row = this.rows.get(key);
    if (!row) return null;
    const next = { ...row, ...copy(patch) };
    this.rows.set(key, next);
    return copy(next);
  }
}

class MemoryDeviceJobRepository implements DeviceJobRepository {
  private readonly rows = new Map<string, DeviceJobRecord>();

  async insertMany(jobs: readonly NewDeviceJob[]): Promise<void> {
    const ids = jobs.map((j) => j.jobId);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i || this.rows.has(id));
    if (dup !== undefined) throw new PatchwaveError('E_CONFLICT', `device job ${dup} already exists`);
    for (const j of jobs) {
      this.rows.set(j.jobId, {
        jobId: j.jobId,
        deploymentId: j.deploymentId,
        deviceId: j.deviceId,
        wave: j.wave,
        kind: j.kind,
        state: 'pending',
        attempts: 0,
        job: null,
        rollbackOf: j.rollbackOf ?? null,
        holdUntil: null,
        offeredAt: null,
        acceptedAt: null,
        startedAt: null,
        finishedAt: null,
        rebootedAt: null,
        checkedInAt: null,
        errorCode: null,
        message: null,
        createdAt: j.createdAt,
        updatedAt: j.createdAt,
      });
    }
  }

  async get(jobId: string): Promise<DeviceJobRecord | null> {
    const row = this.rows.get(jobId);
    return row ? copy(row) : null;
  }

  async list(deploymentId: string, q: DeviceJobQuery = {}): Promise<DeviceJobRecord[]> {
    const rows = [...this.rows.values()].filter(
      (r) =>
        r.deploymentId === deploymentId &&
        (q.wave === undefined || r.wave === q.wave) &&
        (!q.states || q.states.includes(r.state)) &&
        (!q.kind || r.kind === q.kind) &&
        (!q.deviceIds || q.deviceIds.includes(r.deviceId)),
    );
    return copy(rows.sort((a, b) => a.wave - b.wave || byString(a.deviceId, b.deviceId) || byString(a.jobId, b.jobId)));
  }

  async listOpenForDevice(deviceId: string): Promise<DeviceJobRecord[]> {
    const rows = [...this.rows.values()].filter((r) => r.deviceId === deviceId && OPEN_DEVICE_JOB_STATES.includes(r.state));
    return copy(rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byString(a.jobId, b.jobId)));
  }

  async listOpen(): Promise<DeviceJobRecord[]> {
    const rows = [...this.rows.values()].filter((r) => OPEN_DEVICE_JOB_STATES.includes(r.state));
    return copy(rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byString(a.jobId, b.jobId)));
  }

  async transition(jobId: string, from: DeviceJobState, to: DeviceJobState, patch: DeviceJobPatch): Promise<DeviceJobRecord | null> {
    const row = this.rows.get(jobId);
    if (!row || row.state !== from) return null;
    const next = { ...row, ...copy(patch), state: to };
    this.rows.set(jobId, next);
    return copy(next);
  }

  async patch(jobId: string, patch: DeviceJobPatch): Promise<DeviceJobRecord | null> {
    const row = this.rows.get(jobId);
    if (!row) return null;
    const next = { ...row, ...copy(patch) };
    this.rows.set(jobId, next);
    return copy(next);
  }

  async countByState(deploymentId: string, wave?: number): Promise<Record<DeviceJobState, number>> {
    const counts = Object.fromEntries(DEVICE_JOB_STATES.map((s) => [s, 0])) as Record<DeviceJobState, number>;
    for (const r of this.rows.values()) {
      if (r.deploymentId === deploymentId && (wave === undefined || r.wave === wave)) counts[r.state]++;
    }
    return counts;
  }
}

class MemoryJobResultRepository implements JobResultRepository {
  private readonly rows = new Map<string, StoredJobResult>();

  async insert(result: StoredJobResult): Promise<{ inserted: boolean; stored: StoredJobResult }> {
    const existing = this.rows.get(result.jobId);
    if (existing) return { inserted: false, stored: copy(existing) };
    this.rows.set(result.jobId, copy(result));
    return { inserted: true, stored: copy(result) };
  }

  async get(jobId: string): Promise<StoredJobResult | null> {
    const row = this.rows.get(jobId);
    return row ? copy(row) : null;
  }

  async listByDeployment(deploymentId: string): Promise<StoredJobResult[]> {
    const rows = [...this.rows.values()].filter((r) => r.deploymentId === deploymentId);
    return copy(rows.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || byString(a.jobId, b.jobId)));
  }
}

/** In-memory deployment repositories: the reference implementation of the ports, for tests. */
export function memoryDeploymentRepositories(): DeploymentRepositories {
  return {
    deployments: new MemoryDeploymentRepository(),
    waves: new MemoryWaveRepository(),
    deviceJobs: new MemoryDeviceJobRepository(),
    jobResults: new MemoryJobResultRepository(),
  };
}
