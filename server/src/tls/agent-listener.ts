import { AGENT_WS_PATH, ENROLL_PATH } from '@patchwave/shared';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';

/** Marks requests that arrived on the agent listener. */
const AGENT_LISTENER = Symbol('patchwave.agentListener');

/** What the agent listener serves: enrollment, the agent WebSocket and health checks. Nothing of the operators. */
export const AGENT_LISTENER_ROUTES: ReadonlySet<string> = new Set([AGENT_WS_PATH, ENROLL_PATH, '/healthz', '/readyz']);

type Marked = IncomingMessage & { [AGENT_LISTENER]?: true };

/**
 * Refuses (404) every route but the agent ones on requests of the agent listener, before any
 * authentication: the console and the operator API are not even visible on the agents' port.
 */
export function restrictAgentListener(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!(request.raw as Marked)[AGENT_LISTENER]) return;
    if (AGENT_LISTENER_ROUTES.has(request.routeOptions.url ?? '')) return;
    return reply.callNotFound();
  });
}

/**
 * A second listener for agents (its own address and port, same TLS), feeding the same app:
 * requests go to the app's router and WebSocket upgrades to the app's upgrade handler.
 */
export async function listenForAgents(app: FastifyInstance, options: { host: string; port: number; tls: { cert: string; key: string } | null }): Promise<{ server: Server; port: number }> {
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    (req as Marked)[AGENT_LISTENER] = true;
    app.routing(req, res);
  };
  const server: Server = options.tls ? (createHttpsServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, handle) as unknown as Server) : createHttpServer(handle);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    (req as Marked)[AGENT_LISTENER] = true;
    app.server.emit('upgrade', req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : options.port };
}
