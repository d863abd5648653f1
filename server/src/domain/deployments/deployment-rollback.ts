import { randomUUID } from 'node:crypto';
import { PatchwaveError, type RollbackRequest, type RollbackView } from '@patchwave/shared';
import { deploymentTarget, latestPerDevice, loadDeployment, type DeploymentDeps, type Operator } from './context.js';
import { rollbackTargets, type JobOffers } from './job-offers.js';
import type { NewDeviceJob } from './ports.js';
import type { SerialQueue } from './serial-queue.js';

const ROLLBACKABLE = new Set(['succeeded', 'failed', 'interrupted', 'timed_out']);

/**
 * Rollback of devices, a wave or the whole deployment: each device whose apply job recorded the
 * versions it had before gets a rollback job restoring them (the adapter says E_ROLLBACK_UNSUPPORTED
 * where it cannot). The deployment must not be running: pause or abort it first.
 */
export class DeploymentRollbacks {
  constructor(
    private readonly deps: DeploymentDeps,
    private readonly serial: SerialQueue,
    private readonly offers: JobOffers,
  ) {}

  rollback(id: string, req: RollbackRequest, op: Operator): Promise<RollbackView> {
    return this.serial.run(async () => {
      const d = await loadDeployment(this.deps.store, id);
      if (d.state === 'running') throw new PatchwaveError('E_CONFLICT', 'deployment is running: pause or abort it before rolling back');
      if (d.state === 'draft' || d.state === 'awaiting_approval' || d.state === 'scheduled') {
        throw new PatchwaveError('E_CONFLICT', `deployment is ${d.state}: nothing was deployed, so there is nothing to roll back`);
      }
      const scope = req.scope;
      const applies = latestPerDevice(
        await this.deps.store.deviceJobs.list(id, { kind: 'apply', ...(scope.kind === 'wave' ? { wave: scope.wave } : {}), ...(scope.kind === 'devices' ? { deviceIds: scope.deviceIds } : {}) }),
      );
      if (scope.kind === 'wave' && (scope.wave >= d.spec.waves.length || scope.wave < 0)) {
        throw new PatchwaveError('E_VALIDATION', `scope.wave: the deployment has waves 0..${d.spec.waves.length - 1}`);
      }
      const skipped: RollbackView['skipped'] = [];
      if (scope.kind === 'devices') {
        for (const deviceId of scope.deviceIds) if (!applies.some((a) => a.deviceId === deviceId)) skipped.push({ deviceId, reason: 'not a target of this deployment' });
      }
      const openRollbacks = await this.deps.store.deviceJobs.list(id, { kind: 'rollback', states: ['pending', 'offered', 'accepted', 'running'] });
      const now = this.deps.clock.now();
      const jobs: (NewDeviceJob & { packages: number })[] = [];
      for (const apply of applies) {
        if (!ROLLBACKABLE.has(apply.state)) {
          skipped.push({ deviceId: apply.deviceId, reason: `its apply job is ${apply.state}` });
          continue;
        }
        const busy = openRollbacks.find((r) => r.rollbackOf === apply.jobId);
        if (busy) {
          skipped.push({ deviceId: apply.deviceId, reason: `a rollback is already under way (job ${busy.jobId})` });
          continue;
        }
        const result = await this.deps.store.jobResults.get(apply.jobId);
        const targets = rollbackTargets(result);
        if (targets.length === 0) {
          const reason = !result
            ? 'no result from the device, so no versions to restore'
            : result.result.safety?.autoRollback?.status === 'succeeded'
              ? 'its agent already rolled it back automatically after a health probe failed'
              : 'no package changed, or no versions were recorded before applying';
          skipped.push({ deviceId: apply.deviceId, reason });
          continue;
        }
        jobs.push({ jobId: randomUUID(), deploymentId: id, deviceId: apply.deviceId, wave: apply.wave, kind: 'rollback', rollbackOf: apply.jobId, createdAt: now, packages: targets.length });
      }
      await this.deps.store.transaction(async (tx) => {
        await tx.deviceJobs.insertMany(jobs.map(({ packages: _p, ...j }) => j));
        await this.deps.audit.record(tx.audit, {
          actor: op.actor,
          action: 'deployment.rollback',
          target: deploymentTarget(id),
          details: { scope, reason: req.reason, jobs: jobs.map((j) => ({ jobId: j.jobId, deviceId: j.deviceId, rollbackOf: j.rollbackOf })), skipped },
        });
      });
      for (const j of jobs) {
        const stored = await this.deps.store.deviceJobs.get(j.jobId);
        if (stored) await this.offers.offer(d, stored);
      }
      return { deploymentId: id, jobs: jobs.map((j) => ({ jobId: j.jobId, deviceId: j.deviceId, wave: j.wave, packages: j.packages })), skipped };
    });
  }
}
