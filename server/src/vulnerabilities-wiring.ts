import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from './domain/clock.js';
import type { Store } from './domain/store.js';
import type { VulnerabilityConfig } from './domain/vulnerabilities/config.js';
import type { CronScheduler, VulnerabilityServices } from './domain/vulnerabilities/index.js';
import { createVulnerabilityServices, nodeCronScheduler } from './domain/vulnerabilities/index.js';
import { complianceRoutes } from './http/routes/compliance.js';
import { feedRoutes } from './http/routes/feeds.js';
import { findingRoutes } from './http/routes/findings.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Feeds, matching, findings, compliance and reports (domain/vulnerabilities). */
    vulnerabilities: VulnerabilityServices;
  }
}

export interface VulnerabilityWiring {
  store: Store;
  clock: Clock;
  logger: Logger;
  config: VulnerabilityConfig;
  /** Runs the feed refresh, the daily snapshot and the minute sweep; null: no background jobs (tests drive them). */
  scheduler?: CronScheduler | null;
  /** For the feed refresh downloads (tests serve feeds locally). */
  fetch?: typeof fetch;
}

/**
 * The vulnerability area in the app: services decorated as `app.vulnerabilities`, matching hooked
 * into the inventory path, background jobs started when the app is ready (with a catch-up of
 * inventories stored but not matched, and of missing daily snapshots) and stopped before it
 * closes, and the REST routes.
 */
export async function registerVulnerabilities(app: FastifyInstance, w: VulnerabilityWiring): Promise<void> {
  const v = createVulnerabilityServices({
    store: w.store,
    audit: app.services.audit,
    clock: w.clock,
    log: w.logger,
    inventory: app.services.inventory,
    devices: app.services.devices,
    config: w.config,
    ...(w.fetch ? { fetch: w.fetch } : {}),
  });
  app.decorate('vulnerabilities', v);
  let catchUp: Promise<unknown> = Promise.resolve();
  if (w.scheduler !== null) {
    const scheduler = w.scheduler ?? nodeCronScheduler;
    app.addHook('onReady', async () => {
      v.jobs.start(scheduler);
    });
    // After the socket listens, never before: the catch-up runs synchronous SQLite work in slices,
    // and agents and operators must be answered in between (a first start over a large fleet
    // backfills 90 days of snapshots).
    app.addHook('onListen', async () => {
      catchUp = v.jobs.catchUp().catch((err: unknown) => w.logger.error({ err }, 'vulnerability catch-up failed'));
    });
    app.addHook('preClose', async () => {
      v.jobs.stop();
      await catchUp;
    });
  }
  await app.register(feedRoutes);
  await app.register(findingRoutes);
  await app.register(complianceRoutes);
}
