import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.js';
import { testConfig } from '../testing/test-app.js';
import type { TempStore } from '../testing/temp-store.js';
import { openTempStore } from '../testing/temp-store.js';
import type { FastifyInstance } from 'fastify';

// Real servers, sockets and SQLite files: generous ceilings for a loaded 2-core CI machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let temp: TempStore;
let app: FastifyInstance;

beforeEach(async () => {
  temp = await openTempStore();
  app = await buildApp({ config: testConfig(temp.dir), store: temp.store, logger: pino({ level: 'silent' }) });
});
afterEach(async () => {
  await app.close();
  await temp.cleanup();
});

describe('access control', () => {
  it('refuses a route that declares no access to everybody, admin included', async () => {
    app.get('/api/v1/forgotten', async () => ({ secret: true }));
    await app.ready();
    const admin = await app.services.apiTokens.bootstrapAdmin();
    const anonymous = await app.inject({ method: 'GET', url: '/api/v1/forgotten' });
    expect(anonymous.statusCode).toBe(403);
    const withAdmin = await app.inject({ method: 'GET', url: '/api/v1/forgotten', headers: { authorization: `Bearer ${admin?.secret}` } });
    expect(withAdmin.statusCode).toBe(403);
    expect(withAdmin.json()).toEqual({ error: { code: 'E_FORBIDDEN', message: 'this route declares no access policy' } });
    expect(app.routeTable()).toContainEqual({ method: 'GET', url: '/api/v1/forgotten', access: null });
  });

  it('lists every route, and every route of the app declares its access', async () => {
    await app.ready();
    const table = app.routeTable();
    expect(table.length).toBeGreaterThan(20);
    expect(table.filter((r) => r.access === null)).toEqual([]);
    const api = table.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
    const describe = (r: (typeof table)[number]) => `${r.method} ${r.url} ${typeof r.access === 'object' && r.access ? r.access.role : r.access}`;
    expect(api.map(describe).sort()).toEqual(
      expect.arrayContaining([
        'POST /api/v1/enroll public',
        'GET /api/v1/agent agent',
        'POST /api/v1/enrollment-tokens admin',
        'DELETE /api/v1/enrollment-tokens/:id admin',
        'PATCH /api/v1/devices/:id operator',
        'GET /api/v1/devices auditor',
        'GET /api/v1/audit auditor',
        'GET /api/v1/groups/safety auditor',
        'PUT /api/v1/groups/:group/safety operator',
        'DELETE /api/v1/groups/:group/safety operator',
        'POST /api/v1/policies operator',
        'GET /api/v1/policies/:id/runs auditor',
      ]),
    );
  });

  it('answers 401 on every operator route without a token, and 403 where the role does not suffice (generated from the route table)', async () => {
    await app.ready();
    const auditor = await app.services.apiTokens.create({ name: 'a', role: 'auditor', expiresAt: null }, 'system');
    const approver = await app.services.apiTokens.create({ name: 'p', role: 'approver', expiresAt: null }, 'system');
    const routes = app.routeTable().filter((r) => typeof r.access === 'object' && r.access !== null && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThanOrEqual(13);
    for (const route of routes) {
      const url = route.url.replace(/:[a-zA-Z]+/g, '7b0c5e0e-0000-4000-8000-000000000000');
      const method = route.method as 'GET' | 'POST' | 'PATCH' | 'DELETE';
      const anonymous = await app.inject({ method, url });
      expect(anonymous.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(anonymous.json().error.code).toBe('E_UNAUTHORIZED');
      const required = (route.access as { role: string }).role;
      const token = required === 'auditor' ? null : required === 'approver' ? auditor.secret : approver.secret;
      if (token) {
        const denied = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
        expect(denied.statusCode, `${route.method} ${route.url}`).toBe(403);
      }
    }
  });

  it('refuses revoked and expired API tokens', async () => {
    await app.ready();
    const revoked = await app.services.apiTokens.create({ name: 'r', role: 'admin', expiresAt: null }, 'system');
    await app.services.apiTokens.revoke(revoked.token.id, 'system');
    const expired = await app.services.apiTokens.create({ name: 'e', role: 'admin', expiresAt: new Date(Date.now() - 1000) }, 'system');
    for (const secret of [revoked.secret, expired.secret]) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/devices', headers: { authorization: `Bearer ${secret}` } });
      expect(res.statusCode).toBe(401);
    }
  });

  it('records when an API token was last used', async () => {
    await app.ready();
    const created = await app.services.apiTokens.create({ name: 'ci', role: 'auditor', expiresAt: null }, 'system');
    await app.inject({ method: 'GET', url: '/api/v1/devices', headers: { authorization: `Bearer ${created.secret}` } });
    const [token] = (await app.services.apiTokens.list()).filter((x) => x.id === created.token.id);
    expect(token?.lastUsedAt).not.toBeNull();
  });
});
