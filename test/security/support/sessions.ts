import { AUTH_PATHS, CSRF_HEADER } from '@patchwave/shared';
import type { TestApp } from '../../../server/src/testing/test-app.js';

type FastifyInstance = TestApp['app'];
/** What `inject` answers, as far as these helpers read it. */
interface LightMyRequestResponse {
  headers: Record<string, string | string[] | number | undefined>;
}

export interface Browser {
  cookie: string;
  csrf: string;
  /** Headers a same-origin console request sends (cookie, and the CSRF token when `withCsrf`). */
  headers(withCsrf?: boolean): Record<string, string>;
}

/** The session cookie (`name=value`) a response set, or null. */
export function sessionCookieOf(res: LightMyRequestResponse): string | null {
  const header = res.headers['set-cookie'];
  const first = (Array.isArray(header) ? header : header ? [String(header)] : []).find((c) => /pw_session=/.test(c));
  return first ? (first.split(';')[0] as string) : null;
}

/** Signs in through the real login route as a browser would; throws when it fails. */
export async function signIn(app: FastifyInstance, username: string, password: string): Promise<Browser> {
  const res = await app.inject({ method: 'POST', url: AUTH_PATHS.login, payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login of ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookieOf(res);
  if (!cookie) throw new Error('login set no session cookie');
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: (withCsrf = true) => ({ cookie, ...(withCsrf ? { [CSRF_HEADER]: csrf } : {}) }) };
}

/** A user with a chosen password (no one-time password to change), created through the service. */
export async function userWithRole(app: FastifyInstance, username: string, role: 'admin' | 'operator' | 'approver' | 'auditor', password = 'correct horse battery staple'): Promise<{ id: string; password: string }> {
  const { user } = await app.services.users.create({ username, role, password }, 'system');
  return { id: user.id, password };
}
