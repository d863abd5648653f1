import { randomUUID } from 'node:crypto';
import { changeDeployment, publishWave, type AuditNote, type DeploymentDeps } from './context.js';
import type { DeploymentRecord, NewDeviceJob, WaveRecord } from './ports.js';
import { resolveTargets } from './targets.js';
import { assignWaves } from './wave-assignment.js';

/**
 * Starting a deployment fixes who gets what: the targets are resolved, split into waves, and the
 * assignment is stored (waves + one pending apply job per device) in the same transaction that
 * moves the deployment to running wave 0. After a restart it is read back, never recomputed.
 */
export class DeploymentStarter {
  constructor(private readonly deps: DeploymentDeps) {}

  async start(d: DeploymentRecord, note: AuditNote): Promise<DeploymentRecord> {
    const { deps } = this;
    const devices = await resolveTargets(deps.store.devices, d.spec.targets);
    const assignment = assignWaves(
      d.id,
      d.spec.waves.map((w) => w.select),
      devices.map((x) => ({ id: x.id, tags: x.tags })),
    );
    const now = deps.clock.now();
    const waves: WaveRecord[] = d.spec.waves.map((w, i) => ({
      deploymentId: d.id,
      index: i,
      name: w.name,
      state: i === 0 ? 'running' : 'pending',
      deviceCount: assignment.waves[i]?.length ?? 0,
      startedAt: i === 0 ? now : null,
      finishedAt: null,
      skippedGates: [],
      lastOutcome: null,
    }));
    const jobs: NewDeviceJob[] = assignment.waves.flatMap((ids, wave) =>
      ids.map((deviceId) => ({ jobId: randomUUID(), deploymentId: d.id, deviceId, wave, kind: 'apply' as const, createdAt: now })),
    );
    const started = await changeDeployment(
      deps,
      d,
      'start',
      { startedAt: now, targetCount: devices.length, unassignedCount: assignment.unassigned.length },
      { ...note, details: { ...note.details, targets: devices.length, waves: waves.map((w) => ({ name: w.name, devices: w.deviceCount })), unassigned: assignment.unassigned.length } },
      async (tx) => {
        await tx.waves.insertMany(waves);
        await tx.deviceJobs.insertMany(jobs);
      },
    );
    for (const w of await deps.store.waves.list(d.id)) publishWave(deps, w);
    return started;
  }
}
