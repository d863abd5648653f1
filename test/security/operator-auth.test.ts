import { AUTH_PATHS, CSRF_HEADER, SESSION_COOKIE } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecurityConfig } from '../../server/src/config.js';
import { ManualClock } from '../../server/src/domain/clock.js';
import type { TestApp } from '../../server/src/testing/test-app.js';
import { openTestApp } from '../../server/src/testing/test-app.js';
import { enrollDevice } from '../../server/src/testing/enroll.js';
import { sampleFacts } from '../../server/src/testing/facts.js';
import { sessionCookieOf, signIn, userWithRole } from './support/sessions.js';

/**
 * Threats against operators: password guessing (brute force, credential stuffing from one
 * address), cross-site request forgery with the console's cookie, cross-origin use of a session
 * (WebSocket/SSE included), a stolen session outliving its user or its idle time, and a demoted or
 * disabled user keeping access through a token. The real app through `inject`, SQLite on disk.
 */

vi.setConfig({ testTimeout: 60_000 });

let clock: ManualClock;
let t: TestApp;

beforeEach(async () => {
  clock = new ManualClock(new Date());
  t = await openTestApp({ clock });
});
afterEach(async () => {
  await t.close();
});

const login = (username: string, password: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: AUTH_PATHS.login, payload: { username, password }, headers });

describe('login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF token; never stores the password', async () => {
    const alice = await userWithRole(t.app, 'alice', 'operator');
    const res = await login('ALICE', alice.password);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { username: 'alice', role: 'operator', mustChangePassword: false }, session: { idleTimeoutSeconds: 1800 }, csrfToken: expect.any(String) });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=pws_[A-Za-z0-9_-]{43};`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/); // plain HTTP on loopback; under TLS see tls.test.ts
    const stored = await t.app.services.users.list();
    expect(JSON.stringify(stored)).not.toContain(alice.password);
    const audit = await t.app.services.audit.list({ limit: 5, action: 'auth.login' });
    expect(audit[0]).toMatchObject({ actor: `user:${alice.id}`, details: { username: 'alice', remoteAddress: '127.0.0.1' } });
  });

  it('answers the same 401 for an unknown user, a wrong password and a disabled user, and audits each failure', async () => {
    const bob = await userWithRole(t.app, 'bob', 'auditor');
    const carol = await userWithRole(t.app, 'carol', 'auditor');
    await t.app.services.users.update(carol.id, { disabled: true }, 'system');
    const answers = [await login('nobody', 'whatever-password'), await login('bob', 'wrong-password!'), await login('carol', carol.password)];
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'E_UNAUTHORIZED', message: 'wrong username or password' } });
      expect(sessionCookieOf(res)).toBeNull();
    }
    const failed = await t.app.services.audit.list({ limit: 10, action: 'auth.login.failed' });
    expect(failed.map((e) => e.details.reason)).toEqual(['unknown user', 'wrong password', 'user disabled']);
    expect((await login('bob', bob.password)).statusCode).toBe(200);
  });

  it('locks an account after 5 wrong passwords: even the right one is refused (429) until the lock ends', async () => {
    const dave = await userWithRole(t.app, 'dave', 'admin');
    for (let i = 0; i < 5; i += 1) expect((await login('dave', `guess number ${i}`)).statusCode).toBe(401);
    const locked = await login('dave', dave.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'E_LOGIN_LOCKED', details: { scope: 'account', retryAfterSeconds: 900 } } });
    expect(locked.headers['retry-after']).toBe('900');
    expect((await t.app.services.audit.list({ limit: 5, action: 'auth.login.locked' }))[0]).toMatchObject({ target: `user:${dave.id}` });
    clock.advance(15 * 60_000 + 1);
    expect((await login('dave', dave.password)).statusCode).toBe(200);
  });

  it('locks a username that does not exist the same way, so that lockouts do not reveal which accounts exist', async () => {
    for (let i = 0; i < 5; i += 1) expect((await login('nosuchuser', `guess number ${i}`)).statusCode).toBe(401);
    const locked = await login('nosuchuser', 'anything at all');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'E_LOGIN_LOCKED', details: { scope: 'account', retryAfterSeconds: 900 } } });
  });

  it('locks out an address that tries many accounts (credential stuffing), then lets it in after the lock', async () => {
    const erin = await userWithRole(t.app, 'erin', 'auditor');
    for (let i = 0; i < 20; i += 1) expect((await login(`user${i}`, 'Password123!')).statusCode).toBe(401);
    const locked = await login('erin', erin.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'E_LOGIN_LOCKED', details: { scope: 'address' } } });
    clock.advance(15 * 60_000 + 1);
    expect((await login('erin', erin.password)).statusCode).toBe(200);
  });

  it('rate-limits login requests per address with @fastify/rate-limit (429, Retry-After), whatever they contain', async () => {
    const limited = await openTestApp({ clock, config: { security: SecurityConfig.parse({ loginRequestsPerMinute: 3 }) } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const res = await limited.app.inject({ method: 'POST', url: AUTH_PATHS.login, payload: {} });
        statuses.push(res.statusCode);
        if (res.statusCode === 429) {
          expect(res.json().error.code).toBe('E_RATE_LIMITED');
          expect(res.headers['retry-after']).toMatch(/^\d+$/);
        }
      }
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  it('refuses a login posted from another site (login CSRF)', async () => {
    const frank = await userWithRole(t.app, 'frank', 'auditor');
    const res = await login('frank', frank.password, { origin: 'https://evil.example' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('E_ORIGIN_REFUSED');
  });
});

describe('sessions', () => {
  it('refuses a state-changing request without the CSRF token (or with another session’s), and audits it', async () => {
    const admin = await userWithRole(t.app, 'root', 'admin');
    const browser = await signIn(t.app, 'root', admin.password);
    const other = await signIn(t.app, 'root', admin.password);
    const body = { name: 'ci', role: 'auditor' };
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: browser.headers(false), payload: body });
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('E_CSRF_FAILED');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: { cookie: browser.cookie, [CSRF_HEADER]: other.csrf }, payload: body });
    expect(wrong.statusCode).toBe(403);
    expect((await t.app.services.apiTokens.list()).filter((x) => x.name === 'ci')).toEqual([]);
    expect((await t.app.services.audit.list({ limit: 5, action: 'access.csrf.refused' })).length).toBe(2);
    // Reads need no token; with it the write goes through, and the token belongs to the user.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/api-tokens', headers: browser.headers(false) })).statusCode).toBe(200);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: browser.headers(), payload: body });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ role: 'auditor', userId: admin.id, createdBy: `user:${admin.id}` });
  });

  it('refuses a session used from another origin (a page of another site, a cross-site WebSocket or event stream)', async () => {
    const u = await userWithRole(t.app, 'gina', 'auditor');
    const browser = await signIn(t.app, 'gina', u.password);
    const cross = await t.app.inject({ method: 'GET', url: '/api/v1/devices', headers: { ...browser.headers(false), origin: 'https://evil.example' } });
    expect(cross.statusCode).toBe(403);
    expect(cross.json().error.code).toBe('E_ORIGIN_REFUSED');
    const same = await t.app.inject({ method: 'GET', url: '/api/v1/devices', headers: { ...browser.headers(false), origin: 'http://localhost:80', host: 'localhost:80' } });
    expect(same.statusCode).toBe(200);
    expect((await t.app.services.audit.list({ limit: 5, action: 'access.origin.refused' }))[0]?.details).toMatchObject({ origin: 'https://evil.example' });
  });

  it('ends a session after its idle timeout and after its absolute lifetime', async () => {
    const u = await userWithRole(t.app, 'hank', 'auditor');
    const me = (b: { headers(withCsrf?: boolean): Record<string, string> }) => t.app.inject({ method: 'GET', url: AUTH_PATHS.me, headers: b.headers(false) });
    const idle = await signIn(t.app, 'hank', u.password);
    clock.advance(29 * 60_000);
    expect((await me(idle)).statusCode).toBe(200);
    clock.advance(29 * 60_000); // active 29 min ago: still alive
    expect((await me(idle)).statusCode).toBe(200);
    clock.advance(31 * 60_000);
    expect((await me(idle)).statusCode).toBe(401);
    const busy = await signIn(t.app, 'hank', u.password);
    for (let hour = 0; hour < 12; hour += 1) {
      clock.advance(20 * 60_000);
      expect((await me(busy)).statusCode).toBe(200);
      clock.advance(20 * 60_000);
      expect((await me(busy)).statusCode).toBe(200);
      clock.advance(20 * 60_000);
      const res = await me(busy);
      expect(res.statusCode).toBe(hour < 11 ? 200 : 401);
    }
  });

  it('logs out: the session is gone on the server, not only the cookie', async () => {
    const u = await userWithRole(t.app, 'ivy', 'auditor');
    const browser = await signIn(t.app, 'ivy', u.password);
    const out = await t.app.inject({ method: 'POST', url: AUTH_PATHS.logout, headers: browser.headers() });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/pw_session=;/);
    expect((await t.app.inject({ method: 'GET', url: AUTH_PATHS.me, headers: browser.headers(false) })).statusCode).toBe(401);
    expect((await t.app.services.audit.list({ limit: 5, action: 'auth.logout' }))[0]).toMatchObject({ actor: `user:${u.id}` });
  });

  it('keeps a user with a one-time password to changing it, then ends their other sessions', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: t.auth(), payload: { username: 'jo', role: 'operator' } });
    expect(created.statusCode, created.body).toBe(201);
    const otp = created.json().oneTimePassword as string;
    expect(otp).toMatch(/^[0-9a-z]{5}(-[0-9a-z]{5}){4}$/);
    const first = await signIn(t.app, 'jo', otp);
    const second = await signIn(t.app, 'jo', otp);
    const blocked = await t.app.inject({ method: 'GET', url: '/api/v1/devices', headers: first.headers(false) });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('E_PASSWORD_CHANGE_REQUIRED');
    expect((await t.app.inject({ method: 'GET', url: AUTH_PATHS.me, headers: first.headers(false) })).json()).toMatchObject({ kind: 'session', user: { mustChangePassword: true } });
    const short = await t.app.inject({ method: 'POST', url: AUTH_PATHS.password, headers: first.headers(), payload: { currentPassword: otp, newPassword: 'short' } });
    expect(short.statusCode).toBe(400);
    const changed = await t.app.inject({ method: 'POST', url: AUTH_PATHS.password, headers: first.headers(), payload: { currentPassword: otp, newPassword: 'a much longer passphrase' } });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/devices', headers: first.headers(false) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: AUTH_PATHS.me, headers: second.headers(false) })).statusCode).toBe(401);
  });

  it('ends the sessions of a disabled or demoted user, and their API tokens stop working', async () => {
    await userWithRole(t.app, 'lee', 'admin');
    const kim = await userWithRole(t.app, 'kim', 'admin');
    const browser = await signIn(t.app, 'kim', kim.password);
    const tokenRes = await t.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: browser.headers(), payload: { name: 'kim cli', role: 'admin' } });
    const kimToken = tokenRes.json().token as string;
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: t.auth(kimToken) })).statusCode).toBe(200);
    const demote = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${kim.id}`, headers: t.auth(), payload: { role: 'operator' } });
    expect(demote.statusCode, demote.body).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: AUTH_PATHS.me, headers: browser.headers(false) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: t.auth(kimToken) })).statusCode).toBe(401);
    await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${kim.id}`, headers: t.auth(), payload: { role: 'admin', disabled: true } });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: t.auth(kimToken) })).statusCode).toBe(401);
    expect((await t.app.services.audit.list({ limit: 10, action: 'user.disable' }))[0]).toMatchObject({ target: `user:${kim.id}` });
  });

  it('refuses self-approval through the approver’s own API token: one person, one identity', async () => {
    const kim = await userWithRole(t.app, 'kim', 'admin');
    const lee = await userWithRole(t.app, 'lee', 'approver');
    await enrollDevice(t.app, sampleFacts({ hostname: 'web-1' }), ['web']);
    const browser = await signIn(t.app, 'kim', kim.password);
    const spec = { name: 'four eyes', what: { kind: 'security' }, targets: { tags: ['web'] }, waves: [{ name: 'all', select: { kind: 'rest' } }], approval: { required: true } };
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/deployments', headers: browser.headers(), payload: spec });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const kimToken = (await t.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: browser.headers(), payload: { name: 'kim ci', role: 'admin' } })).json().token as string;
    const own = await t.app.inject({ method: 'POST', url: `/api/v1/deployments/${id}/approve`, headers: t.auth(kimToken), payload: {} });
    expect(own.statusCode, own.body).toBe(403);
    expect(own.json().error.message).toMatch(/cannot approve their own deployment/);
    const other = await t.app.inject({ method: 'POST', url: `/api/v1/deployments/${id}/approve`, headers: (await signIn(t.app, 'lee', lee.password)).headers(), payload: {} });
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json()).toMatchObject({ state: 'scheduled', approval: { approvedBy: `user:${lee.id}` } });
  });

  it('never disables or demotes the last active admin', async () => {
    const only = (await t.app.services.users.list()).find((u) => u.role === 'admin') ?? (await userWithRole(t.app, 'solo', 'admin'));
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${only.id}`, headers: t.auth(), payload: { disabled: true } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/last active admin/);
  });
});
