import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../domain/clock.js';
import { sampleFacts } from '../../testing/facts.js';
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

async function createToken(body: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/enrollment-tokens', headers: t.auth(), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const enroll = (token: string, facts = sampleFacts()) =>
  t.app.inject({ method: 'POST', url: '/api/v1/enroll', payload: { token, facts, agentVersion: '0.1.0' } });

async function deviceCount(): Promise<number> {
  return (await t.app.inject({ method: 'GET', url: '/api/v1/devices', headers: t.auth() })).json().total;
}

describe('POST /api/v1/enroll', () => {
  it('exchanges a token for a device id and a pwa_ credential, assigns the token tags, counts the use and audits it', async () => {
    const { id, token } = await createToken({ maxUses: 2, tags: ['web', 'env=prod'] });
    const res = await enroll(token, sampleFacts({ hostname: 'web-07' }));
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.credential).toMatch(/^pwa_[A-Za-z0-9_-]{43}$/);
    const device = (await t.app.inject({ method: 'GET', url: `/api/v1/devices/${body.deviceId}`, headers: t.auth() })).json();
    expect(device).toMatchObject({ hostname: 'web-07', tags: ['env=prod', 'web'], criticality: 'medium', enrollmentTokenId: id, enrolledAt: '2026-03-01T12:00:00.000Z' });
    const tokens = (await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens', headers: t.auth() })).json();
    expect(tokens.items[0]).toMatchObject({ id, uses: 1, status: 'active' });
    const audit = await t.app.services.audit.list({ limit: 10, action: 'device.enroll' });
    expect(audit[0]).toMatchObject({ actor: `device:${body.deviceId}`, details: { hostname: 'web-07', enrollmentTokenId: id } });
    expect(JSON.stringify(audit)).not.toContain(body.credential);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('answers 401 E_TOKEN_INVALID for an unknown or malformed token and creates nothing', async () => {
    for (const token of ['pwe_unknown0000000000000000000000000000000000000', 'not-a-token', `${t.adminToken}`]) {
      const res = await enroll(token);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'E_TOKEN_INVALID', message: 'enrollment token is not valid' } });
    }
    expect(await deviceCount()).toBe(0);
    expect(await t.app.services.audit.list({ limit: 10, action: 'device.enroll.rejected' })).toHaveLength(3);
  });

  it('answers 401 E_TOKEN_EXPIRED after expiry and creates nothing', async () => {
    const { token } = await createToken({ expiresIn: '1h' });
    clock.advance(3_600_000);
    const res = await enroll(token);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('E_TOKEN_EXPIRED');
    expect(await deviceCount()).toBe(0);
  });

  it('answers 401 E_TOKEN_REVOKED for a revoked token and creates nothing', async () => {
    const { id, token } = await createToken({ maxUses: 5 });
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/enrollment-tokens/${id}`, headers: t.auth() })).statusCode).toBe(200);
    const res = await enroll(token);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('E_TOKEN_REVOKED');
    expect(await deviceCount()).toBe(0);
  });

  it('answers 401 E_TOKEN_EXHAUSTED once the uses are spent, also under concurrent enrollments', async () => {
    const { id, token } = await createToken({ maxUses: 3 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => enroll(token, sampleFacts({ hostname: `h${i}` }))));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.json().error.code).toBe('E_TOKEN_EXHAUSTED');
    expect(await deviceCount()).toBe(3);
    const tokens = (await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens', headers: t.auth() })).json();
    expect(tokens.items.find((x: { id: string }) => x.id === id)).toMatchObject({ uses: 3, status: 'exhausted' });
  });

  it('answers 400 naming the bad field for a malformed body, without using the token', async () => {
    const { id, token } = await createToken();
    const noHostname = { ...sampleFacts(), hostname: '' };
    const res = await enroll(token, noHostname);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'E_VALIDATION' });
    expect(res.json().error.message).toContain('body.facts.hostname');
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/enroll', payload: { facts: sampleFacts(), agentVersion: '1' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.issues[0].path).toBe('body.token');
    const notJson = await t.app.inject({ method: 'POST', url: '/api/v1/enroll', headers: { 'content-type': 'application/json' }, payload: '{"token":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('E_VALIDATION');
    const tokens = (await t.app.inject({ method: 'GET', url: '/api/v1/enrollment-tokens', headers: t.auth() })).json();
    expect(tokens.items.find((x: { id: string }) => x.id === id).uses).toBe(0);
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/enroll',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ token: 'x', facts: sampleFacts(), agentVersion: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('E_PAYLOAD_TOO_LARGE');
  });
});
