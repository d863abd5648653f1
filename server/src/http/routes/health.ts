import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from '../error-mapping.js';
import type { Store } from '../../domain/store.js';

export interface HealthOptions {
  store: Pick<Store, 'ping'>;
  version: string;
}

/** Liveness and readiness for orchestrators and load balancers. */
export const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (app, opts) => {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], summary: 'The process is alive', response: { 200: z.object({ status: z.literal('ok'), version: z.string() }) } },
    },
    async () => ({ status: 'ok' as const, version: opts.version }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'The database is reachable',
        response: { 200: z.object({ status: z.literal('ready') }), 503: z.object({ error: z.object({ code: z.string(), message: z.string() }) }) },
      },
    },
    async (request, reply) => {
      try {
        await opts.store.ping();
        return { status: 'ready' as const };
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed');
        return reply.code(503).send(errorBody('E_INTERNAL', `database not reachable: ${(err as Error).message}`));
      }
    },
  );
};
