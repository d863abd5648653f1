import { describe, expect, it } from 'vitest';
import type { NewEnrollmentToken } from '../../domain/enrollment/enrollment-token.js';
import { hashSecret } from '../../domain/secrets.js';
import type { OpenStore } from './harness.js';
import { useFreshStore } from './harness.js';

const NOW = new Date('2026-01-01T00:00:00.000Z');
let n = 0;

function newToken(over: Partial<NewEnrollmentToken> = {}): NewEnrollmentToken {
  n += 1;
  return {
    id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `token ${n}`,
    secretHash: hashSecret(`pwe_contract_${n}_${Math.random()}`),
    createdBy: 'api-token:test',
    createdAt: NOW,
    expiresAt: new Date(NOW.getTime() + 3_600_000),
    maxUses: 2,
    tags: ['web'],
    requiresApproval: false,
    ...over,
  };
}

export function enrollmentTokenRepositoryContract(implementation: string, open: OpenStore): void {
  describe(`EnrollmentTokenRepository contract (${implementation})`, () => {
    const ctx = useFreshStore(open);

    it('inserts and reads back by id and by secret hash', async () => {
      const input = newToken({ name: `it's a "token"; -- ü` });
      const created = await ctx.store.enrollmentTokens.insert(input);
      expect(created).toEqual({
        id: input.id,
        name: input.name,
        createdBy: input.createdBy,
        createdAt: input.createdAt,
        expiresAt: input.expiresAt,
        maxUses: 2,
        uses: 0,
        revokedAt: null,
        revokedBy: null,
        tags: ['web'],
        requiresApproval: false,
      });
      expect(await ctx.store.enrollmentTokens.get(input.id)).toEqual(created);
      expect(await ctx.store.enrollmentTokens.findBySecretHash(input.secretHash)).toEqual(created);
      expect(await ctx.store.enrollmentTokens.findBySecretHash('f'.repeat(64))).toBeNull();
    });

    it('lists newest first', async () => {
      const older = await ctx.store.enrollmentTokens.insert(newToken({ createdAt: new Date('2025-12-01T00:00:00Z') }));
      const newer = await ctx.store.enrollmentTokens.insert(newToken());
      expect((await ctx.store.enrollmentTokens.list()).map((t) => t.id)).toEqual([newer.id, older.id]);
    });

    it('consumes uses up to the maximum and no further', async () => {
      const token = await ctx.store.enrollmentTokens.insert(newToken({ maxUses: 2 }));
      expect(await ctx.store.enrollmentTokens.consumeUse(token.id, NOW)).toBe(true);
      expect(await ctx.store.enrollmentTokens.consumeUse(token.id, NOW)).toBe(true);
      expect(await ctx.store.enrollmentTokens.consumeUse(token.id, NOW)).toBe(false);
      expect((await ctx.store.enrollmentTokens.get(token.id))?.uses).toBe(2);
    });

    it('takes exactly maxUses uses under concurrent consumption', async () => {
      const token = await ctx.store.enrollmentTokens.insert(newToken({ maxUses: 5 }));
      const results = await Promise.all(Array.from({ length: 20 }, () => ctx.store.enrollmentTokens.consumeUse(token.id, NOW)));
      expect(results.filter(Boolean)).toHaveLength(5);
      expect((await ctx.store.enrollmentTokens.get(token.id))?.uses).toBe(5);
    });

    it('refuses a use of an expired or revoked token', async () => {
      const expiring = await ctx.store.enrollmentTokens.insert(newToken());
      expect(await ctx.store.enrollmentTokens.consumeUse(expiring.id, expiring.expiresAt)).toBe(false);
      const revoked = await ctx.store.enrollmentTokens.insert(newToken());
      const after = await ctx.store.enrollmentTokens.revoke(revoked.id, NOW, 'api-token:x');
      expect(after).toMatchObject({ revokedAt: NOW, revokedBy: 'api-token:x' });
      expect(await ctx.store.enrollmentTokens.consumeUse(revoked.id, NOW)).toBe(false);
      expect(await ctx.store.enrollmentTokens.consumeUse('missing', NOW)).toBe(false);
    });

    it('keeps the first revocation time and returns null for an unknown token', async () => {
      const token = await ctx.store.enrollmentTokens.insert(newToken());
      await ctx.store.enrollmentTokens.revoke(token.id, NOW, 'first');
      const again = await ctx.store.enrollmentTokens.revoke(token.id, new Date('2026-02-01T00:00:00Z'), 'second');
      expect(again).toMatchObject({ revokedAt: NOW, revokedBy: 'first' });
      expect(await ctx.store.enrollmentTokens.revoke('missing', NOW, 'x')).toBeNull();
    });
  });
}
