import type { JobOffers, OfferOutcome, ReadyOffer } from './job-offers.js';
import type { DeploymentRecord, DeviceJobRecord } from './ports.js';

/** Offers stored per transaction: large enough to amortise the commit, small enough to start sending early. */
export const OFFER_BATCH_SIZE = 50;

/**
 * Offers the jobs of one pass in batches: each job is decided, built and signed on its own, exactly
 * as `JobOffers.offer` does, but the offers are stored together (one transaction per batch, before
 * any of them is sent) and then sent in the order they were decided. Call `flush` at the end.
 */
export class OfferBatch {
  private ready: ReadyOffer[] = [];
  /** Offers stored and sent so far. */
  sent = 0;

  constructor(
    private readonly offers: JobOffers,
    private readonly size = OFFER_BATCH_SIZE,
  ) {}

  /**
   * Decides one job. `offered` means it is queued in this batch and goes out at the next flush (a
   * full batch flushes at once); the other outcomes are final as with `JobOffers.offer`.
   */
  async add(d: DeploymentRecord, job: DeviceJobRecord): Promise<OfferOutcome> {
    const prepared = await this.offers.prepare(d, job);
    if (prepared.kind !== 'ready') return prepared;
    this.ready.push(prepared);
    if (this.ready.length >= this.size) await this.flush();
    return { kind: 'offered' };
  }

  /** Stores and sends what is queued; returns how many went out. */
  async flush(): Promise<number> {
    const batch = this.ready;
    this.ready = [];
    const n = await this.offers.storeAndSend(batch);
    this.sent += n;
    return n;
  }
}
