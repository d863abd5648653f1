import {
  DEVICE_JOB_STATES,
  type DeploymentList,
  type DeploymentState,
  type DeploymentSummary,
  type DeploymentView,
  type DeviceJobState,
  type DeviceJobView,
  type JobKind,
  type WaveView,
} from '@patchwave/shared';
import type { Device } from '../devices/device.js';
import { gateView, latestPerDevice, loadDeployment, type DeploymentDeps } from './context.js';
import { jobOutcome } from './job-outcome.js';
import { evaluateGates } from './gates.js';
import { toWaveDeviceStatus } from './job-builder.js';
import type { DeploymentRecord, DeviceJobRecord, StoredJobResult } from './ports.js';

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);
const clip = (s: string) => s.slice(0, 4000);

function zeroCounts(): Record<DeviceJobState, number> {
  return Object.fromEntries(DEVICE_JOB_STATES.map((s) => [s, 0])) as Record<DeviceJobState, number>;
}

function countStates(jobs: readonly DeviceJobRecord[]): Record<DeviceJobState, number> {
  const counts = zeroCounts();
  for (const j of jobs) counts[j.state]++;
  return counts;
}

export interface DeviceJobFilter {
  wave?: number;
  state?: DeviceJobState;
  kind?: JobKind;
  deviceId?: string;
}

/**
 * What the API shows: deployments with per-wave progress (the latest apply job of each device)
 * and gate status with the numbers behind it — the current wave is judged live, finished waves
 * show the verdict they ended with — and device jobs with their results and the re-inventory
 * evidence behind them.
 */
export class DeploymentReads {
  constructor(private readonly deps: DeploymentDeps) {}

  async list(query: { states?: DeploymentState[]; limit: number; offset: number }): Promise<DeploymentList> {
    const page = await this.deps.store.deployments.list(query);
    const items: DeploymentSummary[] = [];
    for (const d of page.items) items.push(this.summary(d, latestPerDevice(await this.deps.store.deviceJobs.list(d.id, { kind: 'apply' }))));
    return { items, total: page.total, limit: page.limit, offset: page.offset };
  }

  async get(id: string): Promise<DeploymentView> {
    const d = await loadDeployment(this.deps.store, id);
    const applies = await this.deps.store.deviceJobs.list(id, { kind: 'apply' });
    const stored = await this.deps.store.waves.list(id);
    const now = this.deps.clock.now();
    const waves: WaveView[] = d.spec.waves.map((spec, index) => {
      const w = stored.find((x) => x.index === index);
      const jobs = latestPerDevice(applies.filter((j) => j.wave === index));
      const live = w && d.currentWave === index && (d.state === 'running' || d.state === 'paused');
      const outcome = live ? { ...evaluateGates(spec.gates, jobs.map(toWaveDeviceStatus), now, w.skippedGates), evaluatedAt: now } : w?.lastOutcome;
      return {
        index,
        name: spec.name,
        state: w?.state ?? 'pending',
        select: spec.select,
        gates: spec.gates,
        deviceCount: w?.deviceCount ?? 0,
        counts: countStates(jobs),
        ...(w?.startedAt ? { startedAt: w.startedAt.toISOString() } : {}),
        ...(w?.finishedAt ? { finishedAt: w.finishedAt.toISOString() } : {}),
        ...(outcome ? { gate: gateView(outcome) } : {}),
        skippedGates: w?.skippedGates ?? [],
      };
    });
    return {
      ...this.summary(d, latestPerDevice(applies)),
      spec: d.spec,
      ...(d.approvedBy && d.approvedAt
        ? {
            approval: {
              approvedBy: d.approvedBy,
              approvedAt: d.approvedAt.toISOString(),
              ...(d.approvalComment ? { comment: d.approvalComment } : {}),
              ...(d.changeRecord ? { changeRecord: d.changeRecord } : {}),
            },
          }
        : {}),
      ...(d.startedAt ? { startedAt: d.startedAt.toISOString() } : {}),
      ...(d.finishedAt ? { finishedAt: d.finishedAt.toISOString() } : {}),
      unassignedCount: d.unassignedCount,
      waves,
    };
  }

  /** Device jobs of a deployment with their results, by wave then device. */
  async jobs(id: string, filter: DeviceJobFilter = {}): Promise<DeviceJobView[]> {
    await loadDeployment(this.deps.store, id);
    const jobs = await this.deps.store.deviceJobs.list(id, {
      ...(filter.wave !== undefined ? { wave: filter.wave } : {}),
      ...(filter.state ? { states: [filter.state] } : {}),
      ...(filter.kind ? { kind: filter.kind } : {}),
      ...(filter.deviceId ? { deviceIds: [filter.deviceId] } : {}),
    });
    const devices = new Map<string, Device | null>();
    const out: DeviceJobView[] = [];
    for (const job of jobs) {
      if (!devices.has(job.deviceId)) devices.set(job.deviceId, await this.deps.store.devices.get(job.deviceId));
      const result = await this.deps.store.jobResults.get(job.jobId);
      out.push(await this.jobView(job, devices.get(job.deviceId) ?? null, result));
    }
    return out;
  }

  private summary(d: DeploymentRecord, latestApplies: readonly DeviceJobRecord[]): DeploymentSummary {
    return {
      id: d.id,
      name: d.name,
      state: d.state,
      currentWave: d.currentWave,
      waveCount: d.spec.waves.length,
      targetCount: d.targetCount,
      counts: countStates(latestApplies),
      createdBy: d.createdBy,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
      ...(d.haltReason ? { haltReason: clip(d.haltReason) } : {}),
    };
  }

  private async jobView(job: DeviceJobRecord, device: Device | null, stored: StoredJobResult | null): Promise<DeviceJobView> {
    const outcome = jobOutcome(job, stored);
    return {
      jobId: job.jobId,
      deploymentId: job.deploymentId,
      deviceId: job.deviceId,
      ...(device ? { hostname: device.hostname } : {}),
      wave: job.wave,
      kind: job.kind,
      state: job.state,
      attempts: job.attempts,
      ...(iso(job.holdUntil) ? { holdUntil: iso(job.holdUntil) } : {}),
      ...(iso(job.offeredAt) ? { offeredAt: iso(job.offeredAt) } : {}),
      ...(iso(job.acceptedAt) ? { acceptedAt: iso(job.acceptedAt) } : {}),
      ...(iso(job.startedAt) ? { startedAt: iso(job.startedAt) } : {}),
      ...(iso(job.finishedAt) ? { finishedAt: iso(job.finishedAt) } : {}),
      ...(iso(job.rebootedAt) ? { rebootedAt: iso(job.rebootedAt) } : {}),
      ...(iso(job.checkedInAt) ? { checkedInAt: iso(job.checkedInAt) } : {}),
      ...(job.errorCode ? { errorCode: job.errorCode } : {}),
      ...(job.message ? { message: clip(job.message) } : {}),
      ...(outcome ? { outcome } : {}),
      ...(stored ? { result: stored.result } : {}),
      ...(job.rollbackOf ? { rollbackOf: job.rollbackOf } : {}),
      ...(stored?.result.inventoryHash ? { evidence: await this.evidence(device, stored.result.inventoryHash) } : {}),
      updatedAt: job.updatedAt.toISOString(),
    };
  }

  /** Whether the inventory the agent reported after the job reached the server (its hash is stored). */
  private async evidence(device: Device | null, hash: string): Promise<NonNullable<DeviceJobView['evidence']>> {
    if (!device) return { inventoryHash: hash, verified: false };
    if (device.inventoryHash === hash) return { inventoryHash: hash, verified: true, ...(device.inventoryAt ? { inventoryAt: device.inventoryAt.toISOString() } : {}) };
    const reports = await this.deps.store.inventory.listReports(device.id, { limit: 100, offset: 0 });
    const match = reports.items.find((r) => r.hash === hash);
    return match ? { inventoryHash: hash, verified: true, inventoryAt: match.receivedAt.toISOString() } : { inventoryHash: hash, verified: false };
  }
}
