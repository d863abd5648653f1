import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { Clock } from './domain/clock.js';
import { systemClock } from './domain/clock.js';
import type { Store } from './domain/store.js';
import { registerAccessControl } from './http/access-control.js';
import { registerErrorHandling } from './http/error-handler.js';
import './http/fastify-types.js';
import { registerOpenApi } from './http/openapi.js';
import { auditRoutes } from './http/routes/audit.js';
import { deviceRoutes } from './http/routes/devices.js';
import { enrollRoutes } from './http/routes/enroll.js';
import { enrollmentTokenRoutes } from './http/routes/enrollment-tokens.js';
import { healthRoutes } from './http/routes/health.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { createServices } from './services.js';
import { SERVER_VERSION } from './version.js';
import { agentGateway, websocketPluginOptions } from './ws/agent-gateway.js';
import type { AgentFrameHandler } from './ws/agent-connection.js';
import { AgentRegistry } from './ws/agent-registry.js';

export interface AppDeps {
  config: ServerConfig;
  store: Store;
  logger: Logger;
  clock?: Clock;
  metrics?: ServerMetrics;
  /** WebSocket ping interval (default 30 s). */
  pingIntervalMs?: number;
}

/**
 * Builds the server: REST API, agent WebSocket gateway, OpenAPI docs, metrics. Nothing listens
 * until the caller calls `listen`; `close()` closes agent sockets with 1001 but leaves the store
 * to its owner.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.config.bodyLimitBytes,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const metrics = deps.metrics ?? new ServerMetrics();
  app.decorate('services', createServices(deps.store, clock));
  app.decorate('agents', new AgentRegistry());
  app.decorate('metrics', metrics);
  app.decorate('agentFrameHandlers', new Map<string, AgentFrameHandler>());

  registerErrorHandling(app);
  registerAccessControl(app);
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  await registerOpenApi(app, SERVER_VERSION);
  await app.register(websocket, websocketPluginOptions(app));

  await app.register(healthRoutes, { store: deps.store, version: SERVER_VERSION });
  await app.register(metricsRoutes);
  await app.register(enrollRoutes);
  await app.register(enrollmentTokenRoutes, { clock });
  await app.register(deviceRoutes);
  await app.register(auditRoutes);
  await app.register(async (scope) =>
    agentGateway(scope, {
      serverVersion: SERVER_VERSION,
      heartbeatSeconds: deps.config.heartbeatSeconds,
      maxBadFrames: deps.config.agent.maxBadFrames,
      messagesPerSecond: deps.config.agent.messagesPerSecond,
      burst: deps.config.agent.burst,
      pingIntervalMs: deps.pingIntervalMs ?? 30_000,
      handlers: app.agentFrameHandlers,
    }),
  );
  return app;
}
