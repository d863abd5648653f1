import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../../testing/test-app.js';
import { openTestApp } from '../../testing/test-app.js';

// Real servers, sockets and SQLite files: generous ceilings for a loaded 2-core CI machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
beforeEach(async () => {
  t = await openTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('audit routes', () => {
  it('pages entries by cursor, filters, and verifies the chain', async () => {
    for (let i = 0; i < 5; i += 1) await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-tokens', headers: t.auth(), payload: { name: `t${i}` } });
    // 1 entry for the admin token created at start + 5 token creations
    const first = (await t.app.inject({ method: 'GET', url: '/api/v1/audit?limit=4', headers: t.auth() })).json();
    expect(first.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(first.nextAfterSeq).toBe(4);
    expect(first.items[0]).toMatchObject({ actor: 'system', action: 'api-token.create' });
    const second = (await t.app.inject({ method: 'GET', url: `/api/v1/audit?limit=4&afterSeq=${first.nextAfterSeq}`, headers: t.auth() })).json();
    expect(second.items.map((e: { seq: number }) => e.seq)).toEqual([5, 6]);
    expect(second.nextAfterSeq).toBeNull();
    const filtered = (await t.app.inject({ method: 'GET', url: '/api/v1/audit?action=enrollment-token.create', headers: t.auth() })).json();
    expect(filtered.items).toHaveLength(5);
    expect(filtered.items[0].details).toMatchObject({ name: 't0', maxUses: 1 });
    const verify = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: t.auth() })).json();
    expect(verify).toEqual({ ok: true, count: 6, headSeq: 6, headHash: second.items[1].hash, firstBroken: null });
  });

  it('is readable by an auditor token, not anonymously, and validates the query', async () => {
    const auditor = await t.tokenWithRole('auditor');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: t.auth(auditor) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: t.auth(auditor) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify' })).statusCode).toBe(401);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/audit?afterSeq=-3', headers: t.auth() });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('querystring.afterSeq');
  });
});
