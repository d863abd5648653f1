import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../domain/clock.js';
import type { TestApp } from '../../testing/test-app.js';
import { openTestApp } from '../../testing/test-app.js';

// Real servers, sockets and SQLite files: generous ceilings for a loaded 2-core CI machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
const clock = new ManualClock('2026-03-01T12:00:00.000Z');

beforeEach(async () => {
  clock.set('2026-03-01T12:00:00.000Z');
  t = await openTestApp({ clock });
});
afterEach(async () => {
  await t.close();
});

const create = (payload: unknown, headers = t.auth()) => t.app.inject({ method: 'POST', url: '/api/v1/enrollment-tokens', headers, payload: payload as object });

describe('enrollment tokens', () => {
  it('creates a token with defaults (24 h, one use), shows its secret once and stores only a hash', async () => {
    const res = await create({});
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ name: 'enrollment token', status: 'active', maxUses: 1, uses: 0, tags: [], expiresAt: '2026-03-02T12:00:00.000Z', revokedAt: null });
    expect(body.token).toMatch(/^pwe_[A-Za-z0-9_-]{43}$/);
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens', headers: t.auth() })).json();
    expect(list.items).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(body.token);
    const rows = await t.temp.store.db.selectFrom('enrollment_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(body.token);
    const audit = await t.app.services.audit.list({ limit: 10, action: 'enrollment-token.create' });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(body.token);
  });

  it('accepts expiresIn, expiresAt, name, maxUses and tags', async () => {
    const a = (await create({ name: 'rack 4', expiresIn: '7d', maxUses: 100, tags: ['dc=fra', 'web'] })).json();
    expect(a).toMatchObject({ name: 'rack 4', expiresAt: '2026-03-08T12:00:00.000Z', maxUses: 100, tags: ['dc=fra', 'web'] });
    const b = (await create({ expiresAt: '2026-04-01T00:00:00+02:00' })).json();
    expect(b.expiresAt).toBe('2026-03-31T22:00:00.000Z');
  });

  it('answers 400 naming the field for bad values', async () => {
    const cases: [unknown, string][] = [
      [{ maxUses: 0 }, 'body.maxUses'],
      [{ maxUses: 'ten' }, 'body.maxUses'],
      [{ expiresIn: '24 hours' }, 'body.expiresIn'],
      [{ expiresIn: '400d' }, 'body.expiresIn'],
      [{ expiresAt: 'tomorrow' }, 'body.expiresAt'],
      [{ expiresAt: '2020-01-01T00:00:00Z' }, 'body.expiresAt'],
      [{ expiresIn: '1h', expiresAt: '2026-03-05T00:00:00Z' }, 'body.expiresAt'],
      [{ tags: ['ok', 'not ok'] }, 'body.tags.1'],
      [{ name: '' }, 'body.name'],
      [{ colour: 'blue' }, 'body'],
    ];
    for (const [payload, path] of cases) {
      const res = await create(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('E_VALIDATION');
      expect(res.json().error.message.startsWith(path), `${res.json().error.message} should name ${path}`).toBe(true);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens', headers: t.auth() })).json().items).toHaveLength(0);
  });

  it('lists with statuses and filters by status', async () => {
    const active = (await create({ expiresIn: '2h' })).json();
    const soon = (await create({ expiresIn: '1h' })).json();
    const revoked = (await create({})).json();
    await t.app.inject({ method: 'DELETE', url: `/api/v1/enrollment-tokens/${revoked.id}`, headers: t.auth() });
    clock.advance(90 * 60_000);
    const all = (await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens', headers: t.auth() })).json().items;
    const status = Object.fromEntries(all.map((x: { id: string; status: string }) => [x.id, x.status]));
    expect(status).toEqual({ [active.id]: 'active', [soon.id]: 'expired', [revoked.id]: 'revoked' });
    const onlyExpired = (await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens?status=expired', headers: t.auth() })).json().items;
    expect(onlyExpired.map((x: { id: string }) => x.id)).toEqual([soon.id]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens?status=bogus', headers: t.auth() })).statusCode).toBe(400);
  });

  it('revokes once, audits it, and answers 404 / 400 for unknown or malformed ids', async () => {
    const token = (await create({})).json();
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/enrollment-tokens/${token.id}`, headers: t.auth() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'revoked', revokedAt: '2026-03-01T12:00:00.000Z' });
    expect(res.json().revokedBy).toMatch(/^api-token:/);
    await t.app.inject({ method: 'DELETE', url: `/api/v1/enrollment-tokens/${token.id}`, headers: t.auth() });
    expect(await t.app.services.audit.list({ limit: 10, action: 'enrollment-token.revoke' })).toHaveLength(1);
    const missing = await t.app.inject({ method: 'DELETE', url: '/api/v1/enrollment-tokens/7b0c5e0e-0000-4000-8000-000000000000', headers: t.auth() });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('E_NOT_FOUND');
    const malformed = await t.app.inject({ method: 'DELETE', url: '/api/v1/enrollment-tokens/abc', headers: t.auth() });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toContain('params.id');
  });

  it('needs an admin token to create or revoke, and any valid token to list', async () => {
    expect((await create({}, {} as ReturnType<TestApp['auth']>)).statusCode).toBe(401);
    expect((await create({}, t.auth('pwt_wrong'))).statusCode).toBe(401);
    const auditor = await t.tokenWithRole('auditor');
    const operator = await t.tokenWithRole('operator');
    expect((await create({}, t.auth(auditor))).statusCode).toBe(403);
    expect((await create({}, t.auth(operator))).json().error.code).toBe('E_FORBIDDEN');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens', headers: t.auth(auditor) })).statusCode).toBe(200);
    const token = (await create({})).json();
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/enrollment-tokens/${token.id}`, headers: t.auth(auditor) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens' })).statusCode).toBe(401);
  });
});
