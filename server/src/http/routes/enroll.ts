import { EnrollRequest, EnrollResponse, ENROLL_PATH, PatchwaveError } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../schemas/common.js';

/** An agent exchanges an enrollment token for its own credential (once). */
export const enrollRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    ENROLL_PATH,
    {
      // The enrollment token is the credential; requests per address are limited, and an address
      // that keeps presenting bad tokens is locked out for a while (docs/security.md).
      config: { access: 'public', rateLimit: { max: app.security.options.security.enrollRequestsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['agents'],
        summary: 'Enroll a device with an enrollment token',
        description: 'Returns the device id and its credential (pwa_…), shown once. A wrong, expired, revoked or used-up token answers 401 with E_TOKEN_INVALID, E_TOKEN_EXPIRED, E_TOKEN_REVOKED or E_TOKEN_EXHAUSTED and creates nothing.',
        body: EnrollRequest,
        response: { 201: EnrollResponse, ...errorResponses(400, 401, 413, 429) },
      },
    },
    async (request, reply) => {
      const lockedMs = app.security.enrollAddresses.retryAfterMs(request.ip);
      if (lockedMs > 0) {
        void reply.header('retry-after', String(Math.ceil(lockedMs / 1000)));
        throw new PatchwaveError('E_RATE_LIMITED', `too many refused enrollments from this address; retry in ${Math.ceil(lockedMs / 60_000)} min`, { details: { retryAfterSeconds: Math.ceil(lockedMs / 1000) } });
      }
      let result;
      try {
        result = await app.services.enrollment.enroll(request.body, { remoteAddress: request.ip });
      } catch (err) {
        if (err instanceof PatchwaveError && err.code.startsWith('E_TOKEN_')) app.security.enrollAddresses.fail(request.ip);
        throw err;
      }
      app.security.enrollAddresses.succeed(request.ip);
      request.log.info({ deviceId: result.deviceId, hostname: request.body.facts.hostname }, 'device enrolled');
      return reply.code(201).send({ ...result, serverKeys: app.signingKeys.announcement() });
    },
  );
};
