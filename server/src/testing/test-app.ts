import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../app.js';
import type { ServerConfig } from '../config.js';
import { ServerConfig as ServerConfigSchema } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { CronScheduler } from '../domain/vulnerabilities/index.js';
import type { Role } from '../domain/api-tokens/api-token.js';
import type { TempStore } from './temp-store.js';
import { openTempStore } from './temp-store.js';

export interface TestApp {
  app: FastifyInstance;
  temp: TempStore;
  /** Admin API token secret. */
  adminToken: string;
  auth(token?: string): { authorization: string };
  /** Creates an API token with the role; returns its secret. */
  tokenWithRole(role: Role): Promise<string>;
  close(): Promise<void>;
}

export function testConfig(dataDir: string, over: Partial<ServerConfig> = {}): ServerConfig {
  return { ...ServerConfigSchema.parse({ dataDir }), ...over };
}

/** buildApp on a real SQLite file in a temp dir, with an admin token, logging nothing. */
export async function openTestApp(
  options: {
    clock?: Clock;
    config?: Partial<ServerConfig>;
    pingIntervalMs?: number;
    deploymentLoop?: boolean;
    /** Patch-policy runner timer (default on); policy tests pass false and call `app.policies.runner.tick()`. */
    policyLoop?: boolean;
    consoleDir?: string;
    /** Vulnerability background jobs: none by default (tests run `app.vulnerabilities.jobs` by hand). */
    vulnerabilityScheduler?: CronScheduler | null;
    feedFetch?: typeof fetch;
  } = {},
): Promise<TestApp> {
  const temp = await openTempStore();
  const app = await buildApp({
    config: testConfig(temp.dir, options.config),
    store: temp.store,
    logger: pino({ level: 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.pingIntervalMs ? { pingIntervalMs: options.pingIntervalMs } : {}),
    ...(options.deploymentLoop !== undefined ? { deploymentLoop: options.deploymentLoop } : {}),
    ...(options.policyLoop !== undefined ? { policyLoop: options.policyLoop } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    vulnerabilityScheduler: options.vulnerabilityScheduler ?? null,
    ...(options.feedFetch ? { feedFetch: options.feedFetch } : {}),
  });
  await app.ready();
  const admin = await app.services.apiTokens.bootstrapAdmin();
  if (!admin) throw new Error('expected a fresh store');
  return {
    app,
    temp,
    adminToken: admin.secret,
    auth: (token = admin.secret) => ({ authorization: `Bearer ${token}` }),
    async tokenWithRole(role) {
      return (await app.services.apiTokens.create({ name: `${role} token`, role, expiresAt: null }, 'system')).secret;
    },
    async close() {
      await app.close();
      await temp.cleanup();
    },
  };
}
