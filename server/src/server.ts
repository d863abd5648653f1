import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { buildApp } from './app.js';
import type { ServerConfig } from './config.js';
import { databaseFile } from './config.js';
import { createLogger } from './logger.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import type { SqliteStore } from './storage/sqlite/sqlite-store.js';
import { openSqliteStore } from './storage/sqlite/sqlite-store.js';

export interface RunningServer {
  app: FastifyInstance;
  store: SqliteStore;
  logger: Logger;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The admin API token created on first start (null when tokens already existed). */
  adminToken: string | null;
  /** Stops accepting, closes agent sockets with 1001, waits for requests, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Log destination (default stdout). */
  logDestination?: DestinationStream;
  /** Add process metrics (CPU, memory, event loop) to /metrics. */
  processMetrics?: boolean;
}

/** Opens the data dir's database (migrating it), builds the app and listens. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const store = await openSqliteStore(databaseFile(config));
  if (store.migrations.applied.length > 0) logger.info({ applied: store.migrations.applied }, 'database migrated');
  const metrics = new ServerMetrics();
  if (options.processMetrics) metrics.collectProcessMetrics();
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, store, logger, metrics });
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await store.close();
    throw err;
  }
  const created = await app.services.apiTokens.bootstrapAdmin();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = config.publicUrl ?? `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    app,
    store,
    logger,
    url,
    adminToken: created?.secret ?? null,
    close() {
      closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await store.close();
        }
      })();
      return closing;
    },
  };
}
