import { randomUUID } from 'node:crypto';
import { PatchwaveError, type DeploymentPlanView, type DevicePlanView } from '@patchwave/shared';
import { planFlags, safetyForTags } from '../group-safety/index.js';
import { deploymentTarget, loadDeployment, type DeploymentDeps, type Operator } from './context.js';
import type { JobOffers } from './job-offers.js';
import type { DeviceJobRecord, NewDeviceJob } from './ports.js';
import type { SerialQueue } from './serial-queue.js';
import { resolveTargets } from './targets.js';
import { assignWaves } from './wave-assignment.js';

const PLANNABLE = new Set(['draft', 'awaiting_approval', 'scheduled']);

/**
 * The dry run: before a deployment starts, every target agent is asked for its plan (`plan` job:
 * what its package managers would install, remove or fail to resolve). Each request is a new set
 * of jobs; the view shows the latest set, device by device, for the operator to read before
 * approving.
 */
export class DeploymentPlans {
  constructor(
    private readonly deps: DeploymentDeps,
    private readonly serial: SerialQueue,
    private readonly offers: JobOffers,
  ) {}

  request(id: string, op: Operator): Promise<DeploymentPlanView> {
    return this.serial.run(async () => {
      const d = await loadDeployment(this.deps.store, id);
      if (!PLANNABLE.has(d.state)) throw new PatchwaveError('E_CONFLICT', `a dry run is for a deployment that has not started; this one is ${d.state}`);
      const devices = await resolveTargets(this.deps.store.devices, d.spec.targets);
      const assignment = assignWaves(
        id,
        d.spec.waves.map((w) => w.select),
        devices.map((x) => ({ id: x.id, tags: x.tags })),
      );
      const now = this.deps.clock.now();
      const jobs: NewDeviceJob[] = assignment.waves.flatMap((ids, wave) =>
        ids.map((deviceId) => ({ jobId: randomUUID(), deploymentId: id, deviceId, wave, kind: 'plan' as const, createdAt: now })),
      );
      await this.deps.store.transaction(async (tx) => {
        await tx.deviceJobs.insertMany(jobs);
        await this.deps.audit.record(tx.audit, {
          actor: op.actor,
          action: 'deployment.plan',
          target: deploymentTarget(id),
          details: { devices: jobs.length, unassigned: assignment.unassigned.length },
        });
      });
      for (const job of await this.deps.store.deviceJobs.list(id, { kind: 'plan', states: ['pending'] })) {
        if (job.createdAt.getTime() === now.getTime()) await this.offers.offer(d, job);
      }
      return this.view(id);
    });
  }

  /** The latest dry run, device by device (an empty one when none was asked for yet). */
  async view(id: string): Promise<DeploymentPlanView> {
    const d = await loadDeployment(this.deps.store, id);
    const all = await this.deps.store.deviceJobs.list(id, { kind: 'plan' });
    const newest = all.reduce<number | null>((m, j) => (m === null || j.createdAt.getTime() > m ? j.createdAt.getTime() : m), null);
    const batch = newest === null ? [] : all.filter((j) => j.createdAt.getTime() === newest);
    const devices: DevicePlanView[] = [];
    for (const job of batch) devices.push(await this.deviceView(job));
    const count = (f: (x: DevicePlanView) => boolean) => devices.filter(f).length;
    return {
      deploymentId: d.id,
      requestedAt: new Date(newest ?? d.createdAt.getTime()).toISOString(),
      devices,
      summary: {
        devices: devices.length,
        ready: count((x) => x.status === 'ready'),
        withChanges: count((x) => x.plans.some((p) => p.changes.length > 0)),
        withUnresolved: count((x) => x.plans.some((p) => p.unresolved.length > 0)),
        flagged: count((x) => x.flags.length > 0),
        failed: count((x) => x.status === 'failed'),
        pending: count((x) => x.status === 'pending' || x.status === 'unreachable'),
      },
    };
  }

  private async deviceView(job: DeviceJobRecord): Promise<DevicePlanView> {
    const device = await this.deps.store.devices.get(job.deviceId);
    const stored = job.state === 'succeeded' || job.state === 'failed' || job.state === 'interrupted' ? await this.deps.store.jobResults.get(job.jobId) : null;
    // Every update it would get is held: its dry run is "nothing to change", with the holds named.
    const allHeld = job.state === 'skipped' && job.errorCode === 'E_PKG_HELD';
    const status: DevicePlanView['status'] =
      job.state === 'succeeded' || allHeld
        ? 'ready'
        : job.state === 'failed' || job.state === 'timed_out' || job.state === 'interrupted' || job.state === 'skipped'
          ? 'failed'
          : job.state === 'pending' && !this.deps.links.isOnline(job.deviceId)
            ? 'unreachable'
            : 'pending';
    const plans = stored?.result.plans ?? [];
    // Flags judge the plan against the holds that apply to the device now.
    const { removals, flags } = plans.length ? planFlags(plans, (await safetyForTags(this.deps.store, device?.tags ?? [])).holds) : { removals: [], flags: [] };
    return {
      deviceId: job.deviceId,
      ...(device ? { hostname: device.hostname } : {}),
      wave: job.wave,
      status,
      plans,
      removals,
      flags,
      ...(job.errorCode ? { errorCode: job.errorCode } : {}),
      ...(job.message ? { message: job.message.slice(0, 4000) } : {}),
    };
  }
}
