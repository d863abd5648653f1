import { PatchwaveError } from '@patchwave/shared';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { roleSatisfies } from '../domain/api-tokens/api-token.js';
import { refuseDuplicateConnection } from '../ws/duplicate-connection.js';
import { authenticateOperator } from './auth/operator-auth.js';
import type { RouteEntry } from './fastify-types.js';

/**
 * Deny by default: every request is checked against the access its route declares in
 * `config.access`. A route that declares nothing is refused to everybody (403) and logged, so a
 * forgotten declaration fails closed. The table of routes is kept for tests and docs.
 */
export function registerAccessControl(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  app.decorateRequest('principal', null);
  app.decorateRequest('authSession', null);
  app.decorateRequest('device', null);
  app.addHook('onRoute', (route) => {
    routes.push(route);
    const access = route.config?.access;
    if (route.schema && access && (typeof access === 'object' || access === 'self')) {
      // For the OpenAPI document: the bearer scheme and the role this route needs.
      const note =
        access === 'self'
          ? 'Needs a session or an API token (any role); acts on the caller only.'
          : access.role === 'auditor'
            ? 'Needs a session or an API token (any role).'
            : `Needs a session or an API token with the ${access.role} role.`;
      route.schema = { ...route.schema, security: [{ apiToken: [] }], description: [route.schema.description, note].filter(Boolean).join('\n\n') };
    }
  });
  app.decorate('routeTable', (): RouteEntry[] =>
    routes.flatMap((route) =>
      (Array.isArray(route.method) ? route.method : [route.method]).map((method) => ({
        method: String(method),
        url: route.url,
        access: route.config?.access ?? null,
      })),
    ),
  );

  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access === undefined) {
      request.log.error({ route: request.routeOptions.url }, 'route declares no access; refused');
      throw new PatchwaveError('E_FORBIDDEN', 'this route declares no access policy');
    }
    if (access === 'public') return;
    if (access === 'agent') {
      request.device = await authenticateAgent(app, request);
      return;
    }
    const principal = await authenticateOperator(app, request);
    if (access !== 'self' && !roleSatisfies(principal.role, access.role)) {
      await app.services.audit.record(null, {
        actor: principal.actor,
        action: 'access.denied',
        target: `route:${request.method} ${request.routeOptions.url}`,
        details: { required: access.role, role: principal.role, via: principal.kind, remoteAddress: request.ip },
      });
      const via = principal.kind === 'session' ? 'your account' : 'the token';
      throw new PatchwaveError('E_FORBIDDEN', `this route needs the ${access.role} role; ${via} has ${principal.role}`);
    }
    request.principal = principal;
  });
}

async function authenticateAgent(app: FastifyInstance, request: FastifyRequest) {
  const outcome = await app.services.agentIdentity.authenticate(request.headers.authorization);
  if (outcome.ok) {
    if (request.headers.upgrade) await refuseDuplicateConnection(app, outcome.device.id, request.ip);
    return outcome.device;
  }
  app.metrics.agentRejected.inc();
  await app.services.audit.record(null, {
    actor: 'anonymous',
    action: 'agent.connect.rejected',
    target: outcome.deviceId ? `device:${outcome.deviceId}` : '',
    details: { reason: outcome.reason, remoteAddress: request.ip, url: request.url },
  });
  const message = outcome.reason === 'revoked' ? 'agent credential was revoked' : 'agent credential missing or not valid';
  throw new PatchwaveError('E_CREDENTIAL_INVALID', message);
}

/** The principal of a role-protected route (set by the access hook). */
export function principalOf(request: FastifyRequest) {
  if (!request.principal) throw new PatchwaveError('E_UNAUTHORIZED', 'no authenticated operator');
  return request.principal;
}
