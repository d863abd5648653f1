import { describe, expect, it } from 'vitest';
import type { NewApiToken } from '../../domain/api-tokens/api-token.js';
import { hashSecret } from '../../domain/secrets.js';
import type { OpenStore } from './harness.js';
import { useFreshStore } from './harness.js';

const NOW = new Date('2026-01-01T00:00:00.000Z');
let n = 0;

function newToken(over: Partial<NewApiToken> = {}): NewApiToken {
  n += 1;
  return {
    id: `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `api ${n}`,
    role: 'admin',
    createdBy: 'system',
    createdAt: NOW,
    expiresAt: null,
    secretHash: hashSecret(`pwt_contract_${n}_${Math.random()}`),
    ...over,
  };
}

export function apiTokenRepositoryContract(implementation: string, open: OpenStore): void {
  describe(`ApiTokenRepository contract (${implementation})`, () => {
    const ctx = useFreshStore(open);

    it('counts, inserts and finds by secret hash', async () => {
      expect(await ctx.store.apiTokens.count()).toBe(0);
      const input = newToken({ role: 'auditor', expiresAt: new Date('2027-01-01T00:00:00Z') });
      const created = await ctx.store.apiTokens.insert(input);
      expect(created).toEqual({ id: input.id, name: input.name, role: 'auditor', createdBy: 'system', createdAt: NOW, expiresAt: input.expiresAt, lastUsedAt: null, revokedAt: null, userId: null });
      expect(await ctx.store.apiTokens.findBySecretHash(input.secretHash)).toEqual(created);
      expect(await ctx.store.apiTokens.findBySecretHash('e'.repeat(64))).toBeNull();
      expect(await ctx.store.apiTokens.count()).toBe(1);
    });

    it('records last use and revocation', async () => {
      const token = await ctx.store.apiTokens.insert(newToken());
      await ctx.store.apiTokens.touch(token.id, new Date('2026-01-05T00:00:00Z'));
      const revoked = await ctx.store.apiTokens.revoke(token.id, new Date('2026-01-06T00:00:00Z'));
      expect(revoked?.lastUsedAt?.toISOString()).toBe('2026-01-05T00:00:00.000Z');
      expect(revoked?.revokedAt?.toISOString()).toBe('2026-01-06T00:00:00.000Z');
      expect((await ctx.store.apiTokens.revoke(token.id, new Date('2026-02-01T00:00:00Z')))?.revokedAt?.toISOString()).toBe('2026-01-06T00:00:00.000Z');
      expect(await ctx.store.apiTokens.revoke('missing', NOW)).toBeNull();
      expect((await ctx.store.apiTokens.list()).map((t) => t.id)).toEqual([token.id]);
    });
  });
}
