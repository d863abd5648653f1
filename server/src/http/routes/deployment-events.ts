import type { DeploymentStreamEvent } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../schemas/common.js';
import { DeploymentIdParams } from '../schemas/deployments.js';

const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/deployments/:id/events`: server-sent events of one deployment for the console. The
 * stream opens with a `snapshot` (the whole DeploymentView), then sends each change as it happens
 * (`deployment.updated`, `wave.updated`, `job.updated`; shapes in @patchwave/shared
 * `DeploymentStreamEvent`) and a `heartbeat` every 15 s. Streams end when the server closes.
 */
export const deploymentEventRoutes: FastifyPluginAsyncZod = async (app) => {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get(
    '/api/v1/deployments/:id/events',
    {
      config: { access: { role: 'auditor' } },
      schema: {
        tags: ['deployments'],
        summary: 'Stream of deployment changes (text/event-stream)',
        description:
          'Server-sent events: `event: <type>`, `id: <seq>`, `data: <JSON>`. First a `snapshot` with the DeploymentView, then `deployment.updated`, `wave.updated`, `job.updated` as they happen, and `heartbeat` every 15 s. Reconnecting gives a fresh snapshot.',
        params: DeploymentIdParams,
        response: errorResponses(400, 401, 403, 404),
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const snapshot = await app.deployments.reads.get(id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: DeploymentStreamEvent) => {
        if (!raw.writableEnded) raw.write(`event: ${event.type}\nid: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      const events = app.deployments.events;
      send({ type: 'snapshot', seq: events.lastSeq, at: new Date().toISOString(), deployment: snapshot });
      const unsubscribe = events.subscribe(id, send);
      const heartbeat = setInterval(() => send({ type: 'heartbeat', seq: events.lastSeq, at: new Date().toISOString() }), HEARTBEAT_MS);
      heartbeat.unref();
      const end = () => {
        cleanup();
        if (!raw.writableEnded) raw.end();
      };
      const cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
      };
      open.add(end);
      request.raw.on('close', cleanup);
    },
  );
};
