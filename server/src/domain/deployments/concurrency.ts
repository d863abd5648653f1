import type { DeploymentRecord, DeviceJobRecord, DeviceJobRepository } from './ports.js';

/**
 * The `concurrency` cap of a deployment: apply jobs in flight (offered, accepted or running) are
 * counted from the store once per deployment and pass, then followed in memory as jobs are offered,
 * so one pass never offers more than the cap however many devices are waiting. Results free slots;
 * each result pokes the loop, whose next pass offers the next devices.
 */
export class ConcurrencyBudget {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly jobs: Pick<DeviceJobRepository, 'countByState'>) {}

  /** True when `job` may be offered now without going over its deployment's cap. */
  async allows(d: DeploymentRecord, job: DeviceJobRecord): Promise<boolean> {
    const cap = d.spec.concurrency;
    if (job.kind !== 'apply' || cap === undefined) return true;
    return (await this.count(d)) < cap;
  }

  /** Records that an apply job of `d` was just offered. */
  offered(d: DeploymentRecord, job: DeviceJobRecord): void {
    if (job.kind !== 'apply' || d.spec.concurrency === undefined) return;
    this.inFlight.set(d.id, (this.inFlight.get(d.id) ?? 0) + 1);
  }

  private async count(d: DeploymentRecord): Promise<number> {
    let n = this.inFlight.get(d.id);
    if (n === undefined) {
      const c = await this.jobs.countByState(d.id);
      n = (c.offered ?? 0) + (c.accepted ?? 0) + (c.running ?? 0);
      this.inFlight.set(d.id, n);
    }
    return n;
  }
}
