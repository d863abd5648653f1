import { readFileSync, writeFileSync } from 'node:fs';
import { Password } from '@patchwave/shared';
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
                         [--admin-password-file FILE] [--tls-cert FILE --tls-key FILE]
                         [--agent-port PORT [--agent-host HOST]] [--insecure-http]
  patchwave server cert --self-signed [--host NAME]... [--days 825] [--data-dir DIR]
                         [--cert FILE --key FILE] [--force]
  patchwave server admin-token [--data-dir DIR] [--name TEXT] [--config FILE]

start: opens (and migrates) DIR/patchwave.db, listens, and on first start creates the admin user
"admin" (its one-time password is printed once, or it takes the password in
--admin-password-file), an admin API token (printed once; --admin-token-file also writes it to
FILE, mode 0600) and the Ed25519 job-signing key (DIR/keys, mode 0600; its fingerprint is what
agents pin as PATCHWAVE_SERVER_KEY). HTTPS/WSS with --tls-cert/--tls-key, or with the pair
"server cert" left in DIR/tls; without TLS it listens only on loopback unless --insecure-http.
--agent-port adds a listener that serves agents only (enrollment, WebSocket, health). Logs go
to stderr as JSON lines. SIGTERM or SIGINT stop it gracefully.
cert: generates a self-signed certificate (ECDSA P-256) for the given names and addresses
(default: this host's name, localhost, 127.0.0.1), writes DIR/tls/cert.pem and key.pem (0600)
and prints the SHA-256 fingerprint agents pin as PATCHWAVE_SERVER_FINGERPRINT.
admin-token: creates another admin API token directly in the data dir (for a lost token).

Environment: PATCHWAVE_DATA_DIR, PATCHWAVE_HOST, PATCHWAVE_PORT, PATCHWAVE_PUBLIC_URL,
PATCHWAVE_LOG_LEVEL, PATCHWAVE_HEARTBEAT_SECONDS, PATCHWAVE_TLS_CERT, PATCHWAVE_TLS_KEY,
PATCHWAVE_AGENT_PORT, PATCHWAVE_AGENT_HOST, PATCHWAVE_INSECURE_HTTP, PATCHWAVE_CONFIG (flags win
over environment, environment over the config file).
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
        ...(values['insecure-http'] ? { insecureHttp: true } : {}),
        ...(values['tls-cert'] ? { tlsCert: String(values['tls-cert']) } : {}),
        ...(values['tls-key'] ? { tlsKey: String(values['tls-key']) } : {}),
        ...(values['agent-port'] ? { agentPort: String(values['agent-port']) } : {}),
        ...(values['agent-host'] ? { agentHost: String(values['agent-host']) } : {}),
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
    case 'cert':
      return (await import('./server-cert.js')).serverCertCommand(rest, io, configFrom);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(SERVER_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`server: unknown command "${sub}" (expected start, cert or admin-token)`);
  }
}

/** The first admin's password from a file (first line, trailing newline dropped); checked against the policy. */
function readAdminPassword(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--admin-password-file: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  const checked = Password.safeParse(password);
  if (!checked.success) throw new UsageError(`--admin-password-file: ${checked.error.issues[0]?.message ?? 'not a valid password'}`);
  return checked.data;
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
  const { values } = parse(
    args,
    {
      ...CONFIG_OPTIONS,
      'admin-token-file': { type: 'string' },
      'admin-password-file': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'agent-port': { type: 'string' },
      'agent-host': { type: 'string' },
      'insecure-http': { type: 'boolean' },
    },
    'server start',
  );
  if (values.help) {
    io.out(SERVER_HELP);
    return 0;
  }
  const config = configFrom(values, io);
  const adminPassword = values['admin-password-file'] ? readAdminPassword(values['admin-password-file']) : undefined;
  const stop = (hooks.stopSignal ?? waitForSignal)();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, { logDestination: pino.destination(2), processMetrics: true, ...(adminPassword !== undefined ? { adminPassword } : {}) });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
  io.out(`patchwave server ${SERVER_VERSION} listening on ${server.url}\n`);
  io.out(`  data:     ${databaseFile(config)}\n  API docs: ${server.url}/docs\n`);
  if (server.agentUrl) io.out(`  agents:   ${server.agentUrl} (enrollment and WebSocket only)\n`);
  io.out(`  job-signing key: ${server.signingKeyFingerprint}${server.signingKeyCreated ? ' (created now)' : ''}\n`);
  io.out(`    agents pin it with PATCHWAVE_SERVER_KEY=${server.signingKeyFingerprint}\n`);
  if (server.tlsFingerprint) io.out(`  TLS certificate SHA-256: ${server.tlsFingerprint}\n    agents pin it with PATCHWAVE_SERVER_FINGERPRINT=${server.tlsFingerprint}\n`);
  if (server.adminUser) {
    if (server.adminUser.oneTimePassword) {
      io.out(`\nAdmin user "${server.adminUser.username}", one-time password (shown once; change it at first sign-in):\n  ${server.adminUser.oneTimePassword}\n`);
    } else {
      io.out(`\nAdmin user "${server.adminUser.username}" created with the password from ${values['admin-password-file']}\n`);
    }
  }
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
