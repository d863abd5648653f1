import { AUTH_PATHS, ChangePasswordRequest, CsrfResponse, LoginRequest, LoginResponse, MeResponse, PatchwaveError } from '@patchwave/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Clock } from '../../domain/clock.js';
import { csrfTokenFor } from '../../domain/sessions/csrf.js';
import { principalOf } from '../access-control.js';
import { errorResponses } from '../schemas/common.js';
import { userView } from '../schemas/users.js';

const sessionOnly = (request: FastifyRequest) => {
  if (!request.authSession) throw new PatchwaveError('E_VALIDATION', 'this acts on a console session; API tokens have none (revoke a token with DELETE /api/v1/api-tokens/:id)');
  return request.authSession;
};

/** Console sign-in: login (session cookie + CSRF token), who am I, CSRF token, password change, logout. */
export const authRoutes: FastifyPluginAsyncZod<{ clock: Clock }> = async (app, { clock }) => {
  const cookieOptions = () => ({
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: app.security.secureTransport,
    path: '/',
  });
  const sessionView = (expiresAt: Date) => ({ expiresAt: expiresAt.toISOString(), idleTimeoutSeconds: Math.round(app.services.sessions.policy.idleMs / 1000) });

  const locked = async (request: FastifyRequest, reply: FastifyReply, retryAfterMs: number, scope: 'account' | 'address'): Promise<never> => {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    void reply.header('retry-after', String(seconds));
    throw new PatchwaveError('E_LOGIN_LOCKED', `too many failed logins for this ${scope}; try again in ${Math.ceil(seconds / 60)} min`, { details: { retryAfterSeconds: seconds, scope } });
  };

  app.post(
    AUTH_PATHS.login,
    {
      config: { access: 'public', rateLimit: { max: app.security.options.security.loginRequestsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in to the console',
        description: 'Sets the session cookie (HttpOnly, SameSite=Strict) and returns the CSRF token for state-changing requests. Wrong credentials: 401; too many failures: 429 E_LOGIN_LOCKED.',
        body: LoginRequest,
        response: { 200: LoginResponse, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const origin = request.headers.origin;
      if (origin !== undefined && !app.security.originAllowed(origin, request.headers.host, request.protocol)) {
        await app.services.audit.record(null, { actor: 'anonymous', action: 'access.origin.refused', target: `route:POST ${AUTH_PATHS.login}`, details: { origin: origin.slice(0, 200), remoteAddress: request.ip } });
        throw new PatchwaveError('E_ORIGIN_REFUSED', 'sign in from the console of this server');
      }
      const addressLock = app.security.loginAddresses.retryAfterMs(request.ip);
      if (addressLock > 0) {
        await app.services.audit.record(null, { actor: 'anonymous', action: 'auth.login.locked', target: '', details: { scope: 'address', username: request.body.username, remoteAddress: request.ip } });
        return locked(request, reply, addressLock, 'address');
      }
      const check = await app.services.users.checkLogin(request.body.username, request.body.password, request.ip);
      if (!check.ok) {
        const lockMs = app.security.loginAddresses.fail(request.ip);
        if (check.reason === 'locked') return locked(request, reply, check.retryAfterMs, 'account');
        if (lockMs > 0) {
          await app.services.audit.record(null, { actor: 'anonymous', action: 'auth.address.locked', target: '', details: { remoteAddress: request.ip, lockedForSeconds: Math.ceil(lockMs / 1000) } });
        }
        throw new PatchwaveError('E_UNAUTHORIZED', 'wrong username or password');
      }
      app.security.loginAddresses.succeed(request.ip);
      const { session, secret } = await app.services.sessions.create(check.user, { remoteAddress: request.ip, userAgent: request.headers['user-agent'] ?? '' });
      void reply.setCookie(app.security.cookieName, secret, { ...cookieOptions(), expires: session.expiresAt });
      return { user: userView(check.user, clock.now()), session: sessionView(session.expiresAt), csrfToken: csrfTokenFor(secret) };
    },
  );

  app.post(
    AUTH_PATHS.logout,
    { config: { access: 'self' }, schema: { tags: ['auth'], summary: 'Sign out (ends the session)', response: { 204: z.null().describe('Done'), ...errorResponses(400, 401, 403) } } },
    async (request, reply) => {
      const { session } = sessionOnly(request);
      await app.services.sessions.end(session, 'logout');
      void reply.clearCookie(app.security.cookieName, cookieOptions());
      return reply.code(204).send(null);
    },
  );

  app.get(
    AUTH_PATHS.me,
    { config: { access: 'self' }, schema: { tags: ['auth'], summary: 'Who is signed in (and the CSRF token of the session)', response: { 200: MeResponse, ...errorResponses(401, 403) } } },
    async (request) => {
      const principal = principalOf(request);
      const s = request.authSession;
      return {
        kind: principal.kind,
        name: principal.name,
        role: principal.role,
        user: s ? userView(s.user, clock.now()) : principal.userId ? userView(await app.services.users.get(principal.userId), clock.now()) : null,
        session: s ? sessionView(s.session.expiresAt) : null,
        csrfToken: s ? csrfTokenFor(s.secret) : null,
      };
    },
  );

  app.get(
    AUTH_PATHS.csrf,
    { config: { access: 'self' }, schema: { tags: ['auth'], summary: 'The CSRF token of the current session', response: { 200: CsrfResponse, ...errorResponses(400, 401, 403) } } },
    async (request) => ({ csrfToken: csrfTokenFor(sessionOnly(request).secret) }),
  );

  app.post(
    AUTH_PATHS.password,
    {
      config: { access: 'self' },
      schema: { tags: ['auth'], summary: 'Change your own password (ends your other sessions)', body: ChangePasswordRequest, response: { 204: z.null().describe('Done'), ...errorResponses(400, 401, 403) } },
    },
    async (request, reply) => {
      const { user, session } = sessionOnly(request);
      await app.services.users.changePassword(user.id, request.body.currentPassword, request.body.newPassword, session.id);
      return reply.code(204).send(null);
    },
  );
};
