import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../domain/audit/audit-chain.js';
import { GENESIS_HASH, sealAuditEntry } from '../../domain/audit/audit-entry.js';
import type { OpenStore } from './harness.js';
import { useFreshStore } from './harness.js';

const draft = (i: number) => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
  actor: 'api-token:t1',
  action: i % 2 ? 'thing.create' : 'thing.delete',
  target: `thing:${i}`,
  details: { i, name: `ü'";-- ${i}`, nested: { list: [1, 'two', null] } },
});

export function auditRepositoryContract(implementation: string, open: OpenStore): void {
  describe(`AuditRepository contract (${implementation})`, () => {
    const ctx = useFreshStore(open);

    it('appends a chain starting at the genesis hash and reads it back intact', async () => {
      expect(await ctx.store.audit.head()).toBeNull();
      const first = await ctx.store.audit.append(draft(1), sealAuditEntry);
      const second = await ctx.store.audit.append(draft(2), sealAuditEntry);
      expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
      expect(await ctx.store.audit.head()).toEqual({ seq: 2, hash: second.hash });
      expect(await ctx.store.audit.list({ limit: 10 })).toEqual([first, second]);
    });

    it('keeps one unbroken chain under concurrent appends', async () => {
      await Promise.all(Array.from({ length: 40 }, (_, i) => ctx.store.audit.append(draft(i), sealAuditEntry)));
      const entries = await ctx.store.audit.list({ limit: 100 });
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(verifyChain(entries)).toMatchObject({ ok: true, count: 40, firstBroken: null });
    });

    it('pages by seq cursor and filters by action, actor and target', async () => {
      for (let i = 1; i <= 6; i += 1) await ctx.store.audit.append(draft(i), sealAuditEntry);
      expect((await ctx.store.audit.list({ afterSeq: 4, limit: 10 })).map((e) => e.seq)).toEqual([5, 6]);
      expect((await ctx.store.audit.list({ limit: 2 })).map((e) => e.seq)).toEqual([1, 2]);
      expect((await ctx.store.audit.list({ limit: 10, action: 'thing.create' })).map((e) => e.seq)).toEqual([1, 3, 5]);
      expect((await ctx.store.audit.list({ limit: 10, target: 'thing:4' })).map((e) => e.seq)).toEqual([4]);
      expect((await ctx.store.audit.list({ limit: 10, actor: 'someone-else' }))).toEqual([]);
    });

    it('takes part in the caller transaction: a rollback removes the entry', async () => {
      await ctx.store.audit.append(draft(1), sealAuditEntry);
      await expect(
        ctx.store.transaction(async (tx) => {
          await tx.audit.append(draft(2), sealAuditEntry);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect((await ctx.store.audit.list({ limit: 10 })).map((e) => e.seq)).toEqual([1]);
      const next = await ctx.store.audit.append(draft(3), sealAuditEntry);
      expect(next.seq).toBe(2);
    });
  });
}
