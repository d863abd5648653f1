import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import { parseDuration } from '../../domain/duration.js';
import { PatchwaveError } from '@patchwave/shared';
import { principalOf } from '../access-control.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import {
  CreatedEnrollmentTokenDto,
  CreateEnrollmentTokenBody,
  EnrollmentTokenDto,
  enrollmentTokenDto,
  MAX_TOKEN_LIFETIME_MS,
} from '../schemas/enrollment-tokens.js';

const DEFAULT_LIFETIME_MS = 24 * 3_600_000;

/** Create, list and revoke enrollment tokens. */
export const enrollmentTokenRoutes: FastifyPluginAsyncZod<{ clock: Clock }> = async (app, { clock }) => {
  app.post(
    '/api/v1/enrollment-tokens',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['enrollment'],
        summary: 'Create an enrollment token',
        body: CreateEnrollmentTokenBody,
        response: { 201: CreatedEnrollmentTokenDto, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const now = clock.now();
      const body = request.body;
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : new Date(now.getTime() + (body.expiresIn ? (parseDuration(body.expiresIn) ?? 0) : DEFAULT_LIFETIME_MS));
      if (expiresAt.getTime() - now.getTime() > MAX_TOKEN_LIFETIME_MS) {
        throw new PatchwaveError('E_VALIDATION', 'body.expiresAt: at most 366 days from now', { details: { issues: [{ path: 'body.expiresAt', message: 'at most 366 days from now' }] } });
      }
      if (expiresAt.getTime() <= now.getTime()) {
        throw new PatchwaveError('E_VALIDATION', 'body.expiresAt: must be in the future', { details: { issues: [{ path: 'body.expiresAt', message: 'must be in the future' }] } });
      }
      const { token, secret } = await app.services.enrollment.createToken(
        { name: body.name, expiresAt, maxUses: body.maxUses, tags: body.tags, requiresApproval: body.requiresApproval },
        principalOf(request).actor,
      );
      return reply.code(201).send({ ...enrollmentTokenDto(token, now), token: secret });
    },
  );

  app.get(
    '/api/v1/enrollment-tokens',
    {
      config: { access: { role: 'auditor' } },
      schema: {
        tags: ['enrollment'],
        summary: 'List enrollment tokens (never their secrets)',
        querystring: z.object({ status: z.enum(['active', 'expired', 'revoked', 'exhausted']).optional() }),
        response: { 200: z.object({ items: z.array(EnrollmentTokenDto) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const now = clock.now();
      const items = (await app.services.enrollment.listTokens()).map((t) => enrollmentTokenDto(t, now));
      return { items: request.query.status ? items.filter((t) => t.status === request.query.status) : items };
    },
  );

  app.delete(
    '/api/v1/enrollment-tokens/:id',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['enrollment'],
        summary: 'Revoke an enrollment token (devices it enrolled keep working)',
        params: IdParams,
        response: { 200: EnrollmentTokenDto, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const token = await app.services.enrollment.revokeToken(request.params.id, principalOf(request).actor);
      return enrollmentTokenDto(token, clock.now());
    },
  );
};
