import { PatchwaveError } from '@patchwave/shared';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { roleSatisfies } from '../domain/api-tokens/api-token.js';
import { bearerToken } from '../domain/secrets.js';
import type { RouteEntry } from './fastify-types.js';

/**
 * Deny by default: every request is checked against the access its route declares in
 * `config.access`. A route that declares nothing is refused to everybody (403) and logged, so a
 * forgotten declaration fails closed. The table of routes is kept for tests and docs.
 */
export function registerAccessControl(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  app.decorateRequest('principal', null);
  app.decorateRequest('device', null);
  app.addHook('onRoute', (route) => {
    routes.push(route);
    const access = route.config?.access;
    if (route.schema && access && typeof access === 'object') {
      // For the OpenAPI document: the bearer scheme and the role this route needs.
      const note = access.role === 'auditor' ? 'Needs an API token (any role).' : `Needs an API token with the ${access.role} role.`;
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
    const secret = bearerToken(request.headers.authorization);
    if (!secret) throw new PatchwaveError('E_UNAUTHORIZED', 'missing "Authorization: Bearer <API token>" header');
    const principal = await app.services.apiTokens.authenticate(secret);
    if (!principal) throw new PatchwaveError('E_UNAUTHORIZED', 'API token is not valid (unknown, expired or revoked)');
    if (!roleSatisfies(principal.role, access.role)) {
      throw new PatchwaveError('E_FORBIDDEN', `this route needs the ${access.role} role; the token has ${principal.role}`);
    }
    request.principal = principal;
  });
}

async function authenticateAgent(app: FastifyInstance, request: FastifyRequest) {
  const device = await app.services.devices.authenticateAgent(request.headers.authorization);
  if (device) return device;
  app.metrics.agentRejected.inc();
  await app.services.audit.record(null, {
    actor: 'anonymous',
    action: 'agent.connect.rejected',
    target: '',
    details: { reason: request.headers.authorization ? 'unknown credential' : 'no credential', remoteAddress: request.ip, url: request.url },
  });
  throw new PatchwaveError('E_CREDENTIAL_INVALID', 'agent credential missing or not valid');
}

/** The principal of a role-protected route (set by the access hook). */
export function principalOf(request: FastifyRequest) {
  if (!request.principal) throw new PatchwaveError('E_UNAUTHORIZED', 'no authenticated operator');
  return request.principal;
}
