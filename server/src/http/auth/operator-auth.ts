import type { ErrorCode } from '@patchwave/shared';
import { AUTH_PATHS, CSRF_HEADER, PatchwaveError } from '@patchwave/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../domain/api-tokens/api-token.js';
import { csrfTokenMatches } from '../../domain/sessions/csrf.js';
import { bearerToken } from '../../domain/secrets.js';
import { userActor } from '../../domain/users/user.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes a user with a one-time password may still use: to see who they are, change it, or leave. */
const PASSWORD_CHANGE_ROUTES = new Set<string>([AUTH_PATHS.me, AUTH_PATHS.csrf, AUTH_PATHS.password, AUTH_PATHS.logout]);

/** Reads the session cookie without a cookie parser dependency in the hot path (the plugin has parsed it). */
function sessionCookie(app: FastifyInstance, request: FastifyRequest): string | undefined {
  const cookies = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  return cookies?.[app.security.cookieName];
}

async function refuse(app: FastifyInstance, request: FastifyRequest, code: ErrorCode, message: string, action: string, actor: string): Promise<never> {
  await app.services.audit.record(null, {
    actor,
    action,
    target: `route:${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
    details: { reason: message, remoteAddress: request.ip, origin: request.headers.origin ?? null },
  });
  throw new PatchwaveError(code, message);
}

/**
 * The operator behind a request: an API token (`Authorization: Bearer pwt_…`, no CSRF: browsers
 * never send it on their own) or else a console session cookie. A session must come from an
 * allowed Origin (when the browser names one: always for WebSocket and cross-site requests) and,
 * for any method that changes state, carry the CSRF token. Refusals are audited.
 */
export async function authenticateOperator(app: FastifyInstance, request: FastifyRequest): Promise<Principal> {
  const bearer = bearerToken(request.headers.authorization);
  if (request.headers.authorization !== undefined) {
    if (!bearer) throw new PatchwaveError('E_UNAUTHORIZED', 'malformed Authorization header; expected "Bearer <API token>"');
    const principal = await app.services.apiTokens.authenticate(bearer);
    if (!principal) throw new PatchwaveError('E_UNAUTHORIZED', 'API token is not valid (unknown, expired or revoked)');
    return principal;
  }
  const secret = sessionCookie(app, request);
  if (!secret) throw new PatchwaveError('E_UNAUTHORIZED', 'sign in (session cookie) or send "Authorization: Bearer <API token>"');
  const found = await app.services.sessions.authenticate(secret);
  if (!found) throw new PatchwaveError('E_UNAUTHORIZED', 'the session has ended (signed out, expired or idle); sign in again');
  const actor = userActor(found.user.id);
  const origin = request.headers.origin;
  if (origin !== undefined && !app.security.originAllowed(origin, request.headers.host, request.protocol)) {
    await refuse(app, request, 'E_ORIGIN_REFUSED', `requests from origin ${origin.slice(0, 200)} may not use a console session`, 'access.origin.refused', actor);
  }
  if (!SAFE_METHODS.has(request.method)) {
    const presented = request.headers[CSRF_HEADER];
    if (!csrfTokenMatches(secret, typeof presented === 'string' ? presented : undefined)) {
      await refuse(app, request, 'E_CSRF_FAILED', `missing or wrong ${CSRF_HEADER} header (get it from ${AUTH_PATHS.me} or ${AUTH_PATHS.login})`, 'access.csrf.refused', actor);
    }
  }
  if (found.user.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(request.routeOptions.url ?? '')) {
    throw new PatchwaveError('E_PASSWORD_CHANGE_REQUIRED', `change the one-time password first (POST ${AUTH_PATHS.password})`);
  }
  request.authSession = { session: found.session, user: found.user, secret };
  return {
    kind: 'session',
    id: found.user.id,
    name: found.user.username,
    role: found.user.role,
    actor,
    userId: found.user.id,
    sessionId: found.session.id,
  };
}
