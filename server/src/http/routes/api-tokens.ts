import type { ApiTokenView as ApiTokenViewType } from '@patchwave/shared';
import { ApiTokenView, CreateApiTokenRequest, CreatedApiToken, PatchwaveError } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiToken } from '../../domain/api-tokens/api-token.js';
import type { Clock } from '../../domain/clock.js';
import { parseDuration } from '../../domain/duration.js';
import { principalOf } from '../access-control.js';
import { errorResponses, IdParams } from '../schemas/common.js';

const DEFAULT_LIFETIME_MS = 90 * 86_400_000;
const MAX_LIFETIME_MS = 2 * 366 * 86_400_000;

function tokenView(t: ApiToken, now: Date): ApiTokenViewType {
  const status = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    userId: t.userId,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    status,
  };
}

const invalid = (message: string) => new PatchwaveError('E_VALIDATION', `body.expiresAt: ${message}`, { details: { issues: [{ path: 'body.expiresAt', message }] } });

/** Scoped API tokens for the CLI and automation: hashed at rest, with an expiry and a last-used time. */
export const apiTokenRoutes: FastifyPluginAsyncZod<{ clock: Clock }> = async (app, { clock }) => {
  app.get(
    '/api/v1/api-tokens',
    {
      config: { access: { role: 'auditor' } },
      schema: { tags: ['api-tokens'], summary: 'List API tokens (never their secrets)', response: { 200: z.object({ items: z.array(ApiTokenView) }), ...errorResponses(401, 403) } },
    },
    async () => ({ items: (await app.services.apiTokens.list()).map((t) => tokenView(t, clock.now())) }),
  );

  app.post(
    '/api/v1/api-tokens',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['api-tokens'],
        summary: 'Create an API token (the secret is shown once)',
        description: 'Expires after `expiresIn` (default 90d, at most 2 years), at `expiresAt`, or never with `neverExpires: true`. A token created from a user’s session or token belongs to that user and stops working when the user is disabled or loses the role.',
        body: CreateApiTokenRequest,
        response: { 201: CreatedApiToken, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const now = clock.now();
      const body = request.body;
      let expiresAt: Date | null;
      if (body.neverExpires) expiresAt = null;
      else if (body.expiresAt) expiresAt = new Date(body.expiresAt);
      else {
        const ms = body.expiresIn ? parseDuration(body.expiresIn) : DEFAULT_LIFETIME_MS;
        if (ms === null) throw invalid(`expiresIn "${body.expiresIn}" is not a duration`);
        expiresAt = new Date(now.getTime() + ms);
      }
      if (expiresAt && expiresAt.getTime() <= now.getTime()) throw invalid('must be in the future');
      if (expiresAt && expiresAt.getTime() - now.getTime() > MAX_LIFETIME_MS) throw invalid('at most 2 years from now (or neverExpires)');
      const principal = principalOf(request);
      const { token, secret } = await app.services.apiTokens.create({ name: body.name, role: body.role, expiresAt, userId: principal.userId }, principal.actor);
      return reply.code(201).send({ ...tokenView(token, now), token: secret });
    },
  );

  app.delete(
    '/api/v1/api-tokens/:id',
    {
      config: { access: { role: 'admin' } },
      schema: { tags: ['api-tokens'], summary: 'Revoke an API token', params: IdParams, response: { 200: ApiTokenView, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => tokenView(await app.services.apiTokens.revoke(request.params.id, principalOf(request).actor), clock.now()),
  );
};
