import { EnrollRequest, EnrollResponse, ENROLL_PATH } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../schemas/common.js';

/** An agent exchanges an enrollment token for its own credential (once). */
export const enrollRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    ENROLL_PATH,
    {
      config: { access: 'public' },
      schema: {
        tags: ['agents'],
        summary: 'Enroll a device with an enrollment token',
        description: 'Returns the device id and its credential (pwa_…), shown once. A wrong, expired, revoked or used-up token answers 401 with E_TOKEN_INVALID, E_TOKEN_EXPIRED, E_TOKEN_REVOKED or E_TOKEN_EXHAUSTED and creates nothing.',
        body: EnrollRequest,
        response: { 201: EnrollResponse, ...errorResponses(400, 401, 413) },
      },
    },
    async (request, reply) => {
      const result = await app.services.enrollment.enroll(request.body, { remoteAddress: request.ip });
      request.log.info({ deviceId: result.deviceId, hostname: request.body.facts.hostname }, 'device enrolled');
      return reply.code(201).send(result);
    },
  );
};
