import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../schemas/common.js';

/**
 * Prometheus metrics. Read access (any operator token; give Prometheus an auditor-role token),
 * since agent counts and error rates describe the fleet.
 */
export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/metrics',
    {
      config: { access: { role: 'auditor' } },
      schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format)', response: { 200: z.string(), ...errorResponses(401, 403) } },
    },
    async (_request, reply) => {
      const text = await app.metrics.registry.metrics();
      return reply.header('content-type', app.metrics.registry.contentType).send(text);
    },
  );
};
