import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from './domain/clock.js';
import { cronOccurrences } from './domain/deployments/cron.js';
import { createPolicyServices, type PolicyServices } from './domain/policies/policy-services.js';
import { PolicyLoop } from './domain/policies/policy-loop.js';
import type { LoopTimers } from './domain/deployments/runtime-ports.js';
import type { Store } from './domain/store.js';
import { policyRoutes } from './http/routes/policies.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Patch policies: CRUD, pause/resume, run-now, history, and the runner (domain/policies). */
    policies: PolicyServices & { loop: PolicyLoop };
  }
}

export interface PolicyWiring {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Seconds between two passes of the policy runner. */
  tickSeconds: number;
  /** Start the runner when the app is ready (default true; tests drive `runner.tick()` with their clock). */
  autoStart?: boolean;
  timers?: LoopTimers;
}

/**
 * Policies in the app: the services over the deployment area (`app.deployments` must be
 * registered first), a timer-driven runner started when the app is ready and stopped before it
 * closes, a judging pass whenever a dry-run job of a deployment finishes, and the REST routes.
 */
export async function registerPolicies(app: FastifyInstance, w: PolicyWiring): Promise<void> {
  const log = w.logger.child({ component: 'policies' });
  const services = createPolicyServices({ store: w.store, audit: app.services.audit, clock: w.clock, log, deployments: app.deployments, cron: cronOccurrences });
  const loop = new PolicyLoop(services.runner, log, { intervalMs: w.tickSeconds * 1000, ...(w.timers ? { timers: w.timers } : {}) });
  app.decorate('policies', { ...services, loop });
  const unsubscribe = app.deployments.events.subscribe('*', (event) => {
    if (event.type === 'job.updated' && event.kind === 'plan' && !['pending', 'offered', 'accepted', 'running'].includes(event.state)) loop.poke();
  });
  if (w.autoStart ?? true) app.addHook('onReady', async () => loop.start());
  app.addHook('preClose', async () => {
    unsubscribe();
    await loop.stop();
  });
  await app.register(policyRoutes);
}
