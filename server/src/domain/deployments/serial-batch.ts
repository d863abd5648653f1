import type { SerialQueue } from './serial-queue.js';

interface Pending<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

interface OpenBatch<I, O> {
  entries: Pending<I, O>[];
  /** `SerialQueue.queued` right after this batch's operation was queued. */
  ticket: number;
}

/**
 * Groups items that arrive one by one into one operation of a `SerialQueue`, without reordering
 * anything: an item joins the batch queued last only while that batch has not started and nothing
 * else was queued after it, so the queue runs exactly the order the calls came in, as if each item
 * were its own operation. `process` gets the items in arrival order and settles one answer per item
 * (a failed item fails alone).
 */
export class SerialBatch<I, O> {
  private open: OpenBatch<I, O> | null = null;

  constructor(
    private readonly serial: SerialQueue,
    private readonly process: (items: readonly I[]) => Promise<PromiseSettledResult<O>[]>,
    private readonly maxItems: number,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const entry = { item, resolve, reject };
      const open = this.open;
      if (open && open.ticket === this.serial.queued && open.entries.length < this.maxItems) {
        open.entries.push(entry);
        return;
      }
      const batch: OpenBatch<I, O> = { entries: [entry], ticket: 0 };
      this.open = batch;
      void this.serial.run(async () => {
        // Closed from here on: later items queue a batch of their own.
        if (this.open === batch) this.open = null;
        try {
          const out = await this.process(batch.entries.map((e) => e.item));
          batch.entries.forEach((e, i) => {
            const r = out[i];
            if (r?.status === 'fulfilled') e.resolve(r.value);
            else e.reject(r ? r.reason : new Error('no answer for a batched item'));
          });
        } catch (err) {
          for (const e of batch.entries) e.reject(err);
        }
      });
      batch.ticket = this.serial.queued;
    });
  }
}
