import { GroupSafetySettings } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import type { GroupSafetyRecord } from '../../domain/group-safety/group-safety-repository.js';
import type { OpenStore } from './harness.js';
import { useFreshStore } from './harness.js';

const AT = new Date('2026-03-01T10:00:00.000Z');

function record(group: string, over: Partial<GroupSafetyRecord> = {}): GroupSafetyRecord {
  return {
    group,
    settings: GroupSafetySettings.parse({
      holds: [{ name: 'openssl', manager: 'apt', versionRange: '>=3.0 <3.1', reason: 'vendor certified' }],
      probes: [{ kind: 'http', name: 'web', url: 'http://127.0.0.1:8080/health' }],
      preflight: { minFreeDiskMb: 800 },
    }),
    updatedAt: AT,
    updatedBy: 'user:alice',
    ...over,
  };
}

export function groupSafetyRepositoryContract(implementation: string, open: OpenStore): void {
  describe(`GroupSafetyRepository contract (${implementation})`, () => {
    const ctx = useFreshStore(open);

    it('stores settings whole and reads them back with their defaults', async () => {
      expect(await ctx.store.groupSafety.get('db')).toBeNull();
      await ctx.store.groupSafety.put(record('db'));
      const got = await ctx.store.groupSafety.get('db');
      expect(got).toEqual(record('db'));
      expect(got?.settings.probes[0]).toMatchObject({ timeoutMs: 5000 });
      expect(got?.settings.preflight).toEqual({ minFreeDiskMb: 800, requireLockFree: true, requireAcPower: false, pendingReboot: 'ignore' });
    });

    it('replaces on put, lists by group name with * first, and lists only the asked groups', async () => {
      await ctx.store.groupSafety.put(record('web'));
      await ctx.store.groupSafety.put(record('*', { settings: GroupSafetySettings.parse({}) }));
      await ctx.store.groupSafety.put(record('db'));
      await ctx.store.groupSafety.put(record('db', { settings: GroupSafetySettings.parse({ holds: [{ name: 'postgresql-16' }] }), updatedBy: 'user:bob' }));
      expect((await ctx.store.groupSafety.list()).map((r) => r.group)).toEqual(['*', 'db', 'web']);
      const db = await ctx.store.groupSafety.get('db');
      expect(db?.updatedBy).toBe('user:bob');
      expect(db?.settings).toEqual({ holds: [{ name: 'postgresql-16' }], probes: [] });
      expect((await ctx.store.groupSafety.listFor(['web', '*', 'missing', 'web'])).map((r) => r.group)).toEqual(['*', 'web']);
      expect(await ctx.store.groupSafety.listFor([])).toEqual([]);
    });

    it('deletes once', async () => {
      await ctx.store.groupSafety.put(record('db'));
      expect(await ctx.store.groupSafety.delete('db')).toBe(true);
      expect(await ctx.store.groupSafety.delete('db')).toBe(false);
      expect(await ctx.store.groupSafety.get('db')).toBeNull();
    });

    it('writes inside a transaction and loses them when it rolls back', async () => {
      await expect(
        ctx.store.transaction(async (tx) => {
          await tx.groupSafety.put(record('db'));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await ctx.store.groupSafety.get('db')).toBeNull();
    });
  });
}
