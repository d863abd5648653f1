import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { Clock } from './domain/clock.js';
import { systemClock } from './domain/clock.js';
import type { JobSigner } from './domain/signing/job-signer.js';
import type { Store } from './domain/store.js';
import { registerDeployments } from './deployments-wiring.js';
import { registerAccessControl } from './http/access-control.js';
import { registerSecurity } from './http/auth/register-security.js';
import type { SigningKeyring } from './domain/signing/signing-keyring.js';
import { registerTrust } from './trust-wiring.js';
import { registerVulnerabilities } from './vulnerabilities-wiring.js';
import { registerPolicies } from './policies-wiring.js';
import type { CronScheduler } from './domain/vulnerabilities/index.js';
import { registerErrorHandling } from './http/error-handler.js';
import './http/fastify-types.js';
import { registerOpenApi } from './http/openapi.js';
import { auditRoutes } from './http/routes/audit.js';
import { consoleRoutes, DEFAULT_CONSOLE_DIR } from './http/routes/console.js';
import { deviceRoutes } from './http/routes/devices.js';
import { enrollRoutes } from './http/routes/enroll.js';
import { enrollmentTokenRoutes } from './http/routes/enrollment-tokens.js';
import { fleetRoutes } from './http/routes/fleet.js';
import { groupSafetyRoutes } from './http/routes/group-safety.js';
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
  /** Signs every job sent to agents (Ed25519, from the trust work); without one jobs go out unsigned. */
  jobSigner?: JobSigner | undefined;
  /** Start the deployment loop when ready (default true); tests that drive `app.deployments.orchestrator.tick()` pass false. */
  deploymentLoop?: boolean;
  /** Start the patch-policy runner when ready (default true); tests that drive `app.policies.runner.tick()` pass false. */
  policyLoop?: boolean;
  /** Scheduler of the vulnerability jobs (feed refresh, snapshots, sweep); null: none (tests run them by hand). */
  vulnerabilityScheduler?: CronScheduler | null;
  /** fetch for the scheduled feed refresh (tests serve feeds locally). */
  feedFetch?: typeof fetch;
  /** The built web console (default `server/ui/dist`). */
  consoleDir?: string;
  /** The job-signing keyring (default: DATA_DIR/keys, created on first start). */
  keyring?: SigningKeyring;
  /** Serve HTTPS/WSS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
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
    ...(deps.tls ? { https: { cert: deps.tls.cert, key: deps.tls.key, minVersion: 'TLSv1.2' as const } } : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const metrics = deps.metrics ?? new ServerMetrics();
  const security = deps.config.security;
  app.decorate(
    'services',
    createServices(deps.store, clock, {
      sessions: { absoluteMs: security.sessionHours * 3_600_000, idleMs: security.sessionIdleMinutes * 60_000 },
      users: { lock: { maxFailures: security.loginMaxFailures, lockMs: security.loginLockMinutes * 60_000 } },
    }),
  );
  app.decorate('agents', new AgentRegistry());
  app.decorate('metrics', metrics);
  app.decorate('agentFrameHandlers', new Map<string, AgentFrameHandler>());

  registerErrorHandling(app);
  // Headers, cookies and rate limits first: refusals of the access check carry them too.
  await registerSecurity(app, { config: deps.config, clock, tls: deps.tls !== undefined });
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
  await registerTrust(app, { config: deps.config, clock, logger: deps.logger, keyring: deps.keyring });
  await registerDeployments(app, {
    store: deps.store,
    clock,
    logger: deps.logger,
    signer: deps.jobSigner ?? app.jobSigner,
    tickSeconds: deps.config.deployments.tickSeconds,
    answerGraceMinutes: deps.config.deployments.answerGraceMinutes,
    autoStart: deps.deploymentLoop ?? true,
  });
  await registerPolicies(app, {
    store: deps.store,
    clock,
    logger: deps.logger,
    tickSeconds: deps.config.policies.tickSeconds,
    autoStart: deps.policyLoop ?? true,
  });
  await registerVulnerabilities(app, {
    store: deps.store,
    clock,
    logger: deps.logger,
    config: deps.config.vulnerabilities,
    ...(deps.vulnerabilityScheduler !== undefined ? { scheduler: deps.vulnerabilityScheduler } : {}),
    ...(deps.feedFetch ? { fetch: deps.feedFetch } : {}),
  });
  await app.register(fleetRoutes);
  await app.register(groupSafetyRoutes);
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
  // Its catch-all `/*` answers only where no other route matches (the router prefers static and parametric routes).
  await app.register(consoleRoutes, { dir: deps.consoleDir ?? DEFAULT_CONSOLE_DIR });
  return app;
}
