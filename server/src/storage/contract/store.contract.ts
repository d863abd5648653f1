import { describe, expect, it } from 'vitest';
import { sampleNewDevice } from '../../testing/facts.js';
import type { OpenStore } from './harness.js';
import { useFreshStore } from './harness.js';

export function storeContract(implementation: string, open: OpenStore): void {
  describe(`Store contract (${implementation})`, () => {
    const ctx = useFreshStore(open);

    it('commits a transaction that resolves', async () => {
      const device = sampleNewDevice();
      const result = await ctx.store.transaction(async (tx) => (await tx.devices.insert(device)).id);
      expect(result).toBe(device.id);
      expect(await ctx.store.devices.get(device.id)).not.toBeNull();
    });

    it('rolls back every repository of a transaction that throws', async () => {
      const device = sampleNewDevice();
      await expect(
        ctx.store.transaction(async (tx) => {
          await tx.devices.insert(device);
          await tx.devices.update(device.id, { tags: ['x'] });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await ctx.store.devices.get(device.id)).toBeNull();
    });

    it('answers ping', async () => {
      await expect(ctx.store.ping()).resolves.toBeUndefined();
    });
  });
}
