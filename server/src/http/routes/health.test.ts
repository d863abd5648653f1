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

describe('health, metrics and docs', () => {
  it('answers /healthz and /readyz without credentials', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok', version: '0.1.0' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('answers /readyz with 503 when the database is gone', async () => {
    await t.temp.store.close();
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('E_INTERNAL');
  });

  it('serves Prometheus metrics to operator tokens only', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth(await t.tokenWithRole('auditor')) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('patchwave_agent_connections 0');
    expect(res.body).toContain('patchwave_http_requests_total{method="GET",route="/healthz",status="200"} 1');
  });

  it('serves the OpenAPI document and Swagger UI publicly, documenting every API route', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.openapi).toBe('3.0.3');
    for (const path of [
      '/api/v1/enroll',
      '/api/v1/enrollment-tokens',
      '/api/v1/enrollment-tokens/{id}',
      '/api/v1/devices',
      '/api/v1/devices/{id}',
      '/api/v1/devices/{id}/packages',
      '/api/v1/devices/{id}/updates',
      '/api/v1/devices/{id}/history',
      '/api/v1/devices/{id}/reports',
      '/api/v1/audit',
      '/api/v1/audit/verify',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/v1/devices'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['name', 'os', 'tag', 'limit', 'offset', 'sort', 'order']));
    expect(doc.paths['/api/v1/devices/{id}'].patch.security).toEqual([{ apiToken: [] }]);
    expect(doc.paths['/api/v1/enroll'].post.security).toBeUndefined();
    const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('answers unknown routes with E_NOT_FOUND', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'E_NOT_FOUND', message: 'no route for GET /api/v1/nothing-here' } });
  });
});
