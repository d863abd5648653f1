import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { buildApp } from './app.js';
import type { ServerConfig } from './config.js';
import { databaseFile } from './config.js';
import { createLogger } from './logger.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import type { SqliteStore } from './storage/sqlite/sqlite-store.js';
import { openSqliteStore } from './storage/sqlite/sqlite-store.js';
import type { Server } from 'node:http';
import { systemClock } from './domain/clock.js';
import { listenForAgents } from './tls/agent-listener.js';
import { assertListenAllowed } from './tls/listen-policy.js';
import { loadTlsMaterial } from './tls/tls-material.js';
import { openKeyring } from './trust-wiring.js';

export interface RunningServer {
  app: FastifyInstance;
  store: SqliteStore;
  logger: Logger;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The admin API token created on first start (null when tokens already existed). */
  adminToken: string | null;
  /** The first admin user, created on first start (null when users already existed). */
  adminUser: { username: string; oneTimePassword: string | null } | null;
  /** Fingerprint of the current job-signing key (agents pin it as PATCHWAVE_SERVER_KEY). */
  signingKeyFingerprint: string;
  /** The signing keyring was created by this start. */
  signingKeyCreated: boolean;
  /** SHA-256 fingerprint of the TLS certificate (PATCHWAVE_SERVER_FINGERPRINT); null without TLS. */
  tlsFingerprint: string | null;
  /** URL of the agent listener, when one is configured. */
  agentUrl: string | null;
  /** Stops accepting, closes agent sockets with 1001, waits for requests, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Log destination (default stdout). */
  logDestination?: DestinationStream;
  /** Add process metrics (CPU, memory, event loop) to /metrics. */
  processMetrics?: boolean;
  /** Password of the first admin user (from --admin-password-file); else a one-time password is generated. */
  adminPassword?: string;
}

/** Opens the data dir's database (migrating it), builds the app and listens. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const tls = loadTlsMaterial(config);
  assertListenAllowed({ host: config.host, what: 'host' }, tls !== null, config.insecureHttp);
  if (config.agentListener) assertListenAllowed({ host: config.agentListener.host, what: 'agentListener.host' }, tls !== null, config.insecureHttp);
  const store = await openSqliteStore(databaseFile(config));
  if (store.migrations.applied.length > 0) logger.info({ applied: store.migrations.applied }, 'database migrated');
  const metrics = new ServerMetrics();
  if (options.processMetrics) metrics.collectProcessMetrics();
  let app: FastifyInstance;
  let agentServer: Server | null = null;
  let agentPort: number | null = null;
  let keyring: Awaited<ReturnType<typeof openKeyring>>;
  try {
    keyring = await openKeyring(config.dataDir, systemClock);
    if (keyring.created) logger.info({ keyId: keyring.keyring.currentKeyId, file: keyring.keyring.location }, 'job-signing key created');
    app = await buildApp({ config, store, logger, metrics, keyring: keyring.keyring, ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}) });
    await app.listen({ host: config.host, port: config.port });
    if (config.agentListener) {
      const listening = await listenForAgents(app, { ...config.agentListener, tls: tls ? { cert: tls.cert, key: tls.key } : null });
      agentServer = listening.server;
      agentPort = listening.port;
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  const created = await app.services.apiTokens.bootstrapAdmin();
  const adminUser = await app.services.users.bootstrapAdmin(options.adminPassword);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const scheme = tls ? 'https' : 'http';
  const urlOf = (listenHost: string, listenPort: number) => {
    const host = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
    return `${scheme}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${listenPort}`;
  };
  const url = config.publicUrl ?? urlOf(config.host, port);
  let closing: Promise<void> | null = null;
  return {
    app,
    store,
    logger,
    url,
    adminToken: created?.secret ?? null,
    adminUser: adminUser ? { username: adminUser.user.username, oneTimePassword: adminUser.oneTimePassword } : null,
    signingKeyFingerprint: keyring.keyring.currentFingerprint,
    signingKeyCreated: keyring.created,
    tlsFingerprint: tls?.fingerprint ?? null,
    agentUrl: config.agentListener && agentPort !== null ? urlOf(config.agentListener.host, agentPort) : null,
    close() {
      closing ??= (async () => {
        try {
          if (agentServer) {
            const server = agentServer;
            await new Promise<void>((resolve) => server.close(() => resolve()));
          }
          await app.close();
        } finally {
          await store.close();
        }
      })();
      return closing;
    },
  };
}
