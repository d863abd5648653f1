import { writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { ConfigError, databaseFile, loadConfig } from '../../config.js';
import { ApiTokenService } from '../../domain/api-tokens/api-token-service.js';
import { AuditLog } from '../../domain/audit/audit-log.js';
import { systemClock } from '../../domain/clock.js';
import { startServer } from '../../server.js';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { SERVER_VERSION } from '../../version.js';
import { parse } from '../args.js';
import type { Io } from '../output.js';
import { UsageError } from '../usage-error.js';

export const SERVER_HELP = `patchwave server — run the control server

  patchwave server start [--data-dir DIR] [--host HOST] [--port PORT] [--public-url URL]
                         [--log-level LEVEL] [--config FILE] [--admin-token-file FILE]
  patchwave server admin-token [--data-dir DIR] [--name TEXT] [--config FILE]

start: opens (and migrates) DIR/patchwave.db, listens, and on first start creates an admin API
token and prints it once. --admin-token-file also writes it to FILE (mode 0600). Logs go to
stderr as JSON lines. SIGTERM or SIGINT stop it gracefully.
admin-token: creates another admin API token directly in the data dir (for a lost token).

Environment: PATCHWAVE_DATA_DIR, PATCHWAVE_HOST, PATCHWAVE_PORT, PATCHWAVE_PUBLIC_URL,
PATCHWAVE_LOG_LEVEL, PATCHWAVE_HEARTBEAT_SECONDS, PATCHWAVE_CONFIG (flags win over environment,
environment over the config file).
`;

const CONFIG_OPTIONS = {
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'public-url': { type: 'string' },
  'log-level': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ServerCommandHooks {
  /** Resolves when the server should stop (default: SIGTERM or SIGINT). */
  stopSignal?: () => Promise<string>;
}

function configFrom(values: Record<string, string | boolean | undefined>, io: Io) {
  try {
    return loadConfig(
      {
        ...(values.config ? { config: String(values.config) } : {}),
        ...(values['data-dir'] ? { dataDir: String(values['data-dir']) } : {}),
        ...(values.host ? { host: String(values.host) } : {}),
        ...(values.port ? { port: String(values.port) } : {}),
        ...(values['public-url'] ? { publicUrl: String(values['public-url']) } : {}),
        ...(values['log-level'] ? { logLevel: String(values['log-level']) } : {}),
      },
      io.env,
    );
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

export async function serverCommand(args: string[], io: Io, hooks: ServerCommandHooks = {}): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'start':
      return start(rest, io, hooks);
    case 'admin-token':
      return adminToken(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(SERVER_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`server: unknown command "${sub}" (expected start or admin-token)`);
  }
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

async function start(args: string[], io: Io, hooks: ServerCommandHooks): Promise<number> {
  const { values } = parse(args, { ...CONFIG_OPTIONS, 'admin-token-file': { type: 'string' } }, 'server start');
  if (values.help) {
    io.out(SERVER_HELP);
    return 0;
  }
  const config = configFrom(values, io);
  const stop = (hooks.stopSignal ?? waitForSignal)();
  const server = await startServer(config, { logDestination: pino.destination(2), processMetrics: true });
  io.out(`patchwave server ${SERVER_VERSION} listening on ${server.url}\n`);
  io.out(`  data:     ${databaseFile(config)}\n  API docs: ${server.url}/docs\n`);
  if (server.adminToken) {
    io.out(`\nAdmin API token (shown once; only its hash is stored, keep it safe):\n  ${server.adminToken}\n`);
    io.out(`Use it with: patchwave login --server ${server.url} --token <token>\n`);
    if (values['admin-token-file']) {
      writeFileSync(values['admin-token-file'], `${server.adminToken}\n`, { mode: 0o600 });
      io.out(`  (also written to ${values['admin-token-file']}, mode 0600)\n`);
    }
  } else {
    io.out('  admin token: created at first start (lost it? run "patchwave server admin-token --data-dir …")\n');
  }
  const signal = await stop;
  server.logger.info({ signal }, 'shutting down');
  await server.close();
  io.err(`patchwave server stopped (${signal})\n`);
  return 0;
}

async function adminToken(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...CONFIG_OPTIONS, name: { type: 'string' } }, 'server admin-token');
  if (values.help) {
    io.out(SERVER_HELP);
    return 0;
  }
  const config = configFrom(values, io);
  const store = await openSqliteStore(databaseFile(config));
  try {
    const service = new ApiTokenService(store, new AuditLog(store.audit, systemClock), systemClock);
    const { token, secret } = await service.create({ name: values.name ?? 'admin (created from the data dir)', role: 'admin', expiresAt: null }, 'local-operator');
    io.out(`Admin API token ${token.id} (shown once; only its hash is stored):\n  ${secret}\n`);
  } finally {
    await store.close();
  }
  return 0;
}
