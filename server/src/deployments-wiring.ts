import { JOBS_CAPABILITY } from '@patchwave/shared';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from './domain/clock.js';
import { DeploymentEventBus } from './domain/deployments/deployment-events.js';
import { createDeploymentServices } from './domain/deployments/deployment-services.js';
import type { LoopTimers } from './domain/deployments/runtime-ports.js';
import type { JobSigner } from './domain/signing/job-signer.js';
import type { Store } from './domain/store.js';
import { deploymentEventRoutes } from './http/routes/deployment-events.js';
import { deploymentRoutes } from './http/routes/deployments.js';
import { jobFrameHandlers } from './ws/job-frame-handlers.js';
import { RegistryAgentLinks } from './ws/registry-agent-links.js';

export interface DeploymentWiring {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Signs jobs (the trust work's Ed25519 signer); without one, jobs go out unsigned. */
  signer?: JobSigner | undefined;
  tickSeconds: number;
  answerGraceMinutes: number;
  /** Timers of the orchestrator loop (tests may pass their own). */
  timers?: LoopTimers;
  /** Start the loop when the app is ready (default true; REST tests drive `tick()` themselves). */
  autoStart?: boolean;
}

/**
 * Deployments in the app: the services (decorated as `app.deployments`), the job frames of the
 * agent protocol, offers to agents as they say hello, the orchestrator loop (started when the app
 * is ready, stopped before it closes), and the REST + event-stream routes.
 */
export async function registerDeployments(app: FastifyInstance, w: DeploymentWiring): Promise<void> {
  const log = w.logger.child({ component: 'deployments' });
  const deployments = createDeploymentServices(
    {
      store: w.store,
      audit: app.services.audit,
      clock: w.clock,
      links: new RegistryAgentLinks(app.agents),
      events: new DeploymentEventBus(),
      log,
      signer: w.signer,
      answerGraceMs: w.answerGraceMinutes * 60_000,
    },
    { intervalMs: w.tickSeconds * 1000, ...(w.timers ? { timers: w.timers } : {}) },
  );
  app.decorate('deployments', deployments);
  for (const [type, handler] of jobFrameHandlers(deployments)) app.agentFrameHandlers.set(type, handler);
  const stopListening = app.agents.onGreeted((link, capabilities) => {
    if (!capabilities.has(JOBS_CAPABILITY)) return;
    deployments.orchestrator.deviceReady(link.deviceId).catch((err: unknown) => log.error({ err, deviceId: link.deviceId }, 'offering jobs to a connected device failed'));
  });
  if (w.autoStart ?? true) app.addHook('onReady', async () => deployments.loop.start());
  app.addHook('preClose', async () => {
    stopListening();
    await deployments.loop.stop();
  });
  await app.register(deploymentRoutes);
  await app.register(deploymentEventRoutes);
}
