import { describe, expect, it } from 'vitest';
import { SerialBatch } from './serial-batch.js';
import { SerialQueue } from './serial-queue.js';

/** A queue plus a record of what ran, in order: single operations by name, batches as arrays. */
function setup(maxItems = 100, fail?: (item: string) => boolean) {
  const serial = new SerialQueue();
  const ran: (string | string[])[] = [];
  const batch = new SerialBatch<string, string>(
    serial,
    async (items) => {
      ran.push([...items]);
      return items.map((i) => (fail?.(i) ? { status: 'rejected' as const, reason: new Error(`bad ${i}`) } : { status: 'fulfilled' as const, value: i.toUpperCase() }));
    },
    maxItems,
  );
  const op = (name: string) => serial.run(async () => void ran.push(name));
  return { serial, batch, ran, op };
}

describe('SerialBatch', () => {
  it('stores items that arrive while the queue is busy in one operation, answering each', async () => {
    const { batch, ran, op } = setup();
    const busy = op('busy');
    const answers = Promise.all(['a', 'b', 'c'].map((i) => batch.submit(i)));
    await busy;
    expect(await answers).toEqual(['A', 'B', 'C']);
    expect(ran).toEqual(['busy', ['a', 'b', 'c']]);
  });

  it('never moves an item ahead of an operation queued before it', async () => {
    const { batch, ran, op, serial } = setup();
    const all = [op('busy'), batch.submit('a'), batch.submit('b'), op('operator action'), batch.submit('c'), batch.submit('d')];
    await Promise.all(all);
    await serial.idle();
    expect(ran).toEqual(['busy', ['a', 'b'], 'operator action', ['c', 'd']]);
  });

  it('starts a new batch once one has started or is full', async () => {
    const { batch, ran, op, serial } = setup(2);
    const first = [op('busy'), batch.submit('a'), batch.submit('b'), batch.submit('c')];
    await Promise.all(first);
    // The queue is idle now: the next item runs in a batch of its own.
    await batch.submit('d');
    await serial.idle();
    expect(ran).toEqual(['busy', ['a', 'b'], ['c'], ['d']]);
  });

  it('fails only the items whose answer failed', async () => {
    const { batch, op } = setup(100, (i) => i === 'b');
    void op('busy');
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((i) => batch.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
