import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { VulnerabilityConfig } from './domain/vulnerabilities/config.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Sessions, lockouts and rate limits (see docs/security.md). */
export const SecurityConfig = z
  .object({
    sessionHours: z.number().positive().max(24 * 30).default(12),
    sessionIdleMinutes: z.number().positive().max(24 * 60).default(30),
    /** Consecutive failed logins that lock an account, and for how long. */
    loginMaxFailures: z.number().int().min(1).max(1000).default(5),
    loginLockMinutes: z.number().positive().max(24 * 60).default(15),
    /** Failed logins or enrollments from one address within the window that lock the address. */
    addressMaxFailures: z.number().int().min(1).max(10_000).default(20),
    addressWindowMinutes: z.number().positive().max(24 * 60).default(15),
    addressLockMinutes: z.number().positive().max(24 * 60).default(15),
    /** Requests per minute and address (@fastify/rate-limit) on the login and enrollment routes. */
    loginRequestsPerMinute: z.number().int().min(1).max(100_000).default(30),
    enrollRequestsPerMinute: z.number().int().min(1).max(100_000).default(120),
    /** Origins besides the server's own that may use a console session (a reverse proxy's public URL). */
    allowedOrigins: z.array(z.url()).max(32).default([]),
  })
  .strict();
export type SecurityConfig = z.infer<typeof SecurityConfig>;

export const ServerConfig = z
  .object({
    /** Holds the database (patchwave.db) and nothing else secret. */
    dataDir: z.string().min(1),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8080),
    /** URL agents and operators use to reach the server (behind a proxy); defaults to the listen address. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** How often agents send a heartbeat (told to them in server.welcome). */
    heartbeatSeconds: z.number().int().min(5).max(3600).default(60),
    /** Largest REST request body. */
    bodyLimitBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    agent: z
      .object({
        /** Invalid or unknown frames tolerated per connection before it is closed with 1008. */
        maxBadFrames: z.number().int().min(1).max(1000).default(10),
        /** Sustained frames per second per connection (token bucket refill). */
        messagesPerSecond: z.number().positive().max(10_000).default(20),
        /** Frames a connection may send in a burst above the sustained rate. */
        burst: z.number().int().min(1).max(100_000).default(60),
      })
      .strict()
      .prefault({}),
    deployments: z
      .object({
        /** Longest pause of the deployment loop between two passes (results and operator actions run one at once). */
        tickSeconds: z.number().min(0.1).max(300).default(5),
        /** How long after a job's own timeout the server waits for a result before timing the device out. */
        answerGraceMinutes: z.number().min(0).max(24 * 60).default(5),
      })
      .strict()
      .prefault({}),
    policies: z
      .object({
        /** Seconds between two passes of the patch-policy runner (a run starts at most this late). */
        tickSeconds: z.number().min(0.1).max(300).default(30),
      })
      .strict()
      .prefault({}),
    /** HTTPS/WSS with the operator's certificate (PEM files); else DATA_DIR/tls/{cert,key}.pem when `server cert` made them. */
    tls: z.object({ certFile: z.string().min(1).max(4096), keyFile: z.string().min(1).max(4096) }).strict().optional(),
    /** Listen without TLS on an address that is not loopback (credentials and sessions then travel in clear). */
    insecureHttp: z.boolean().default(false),
    /** A second listener for agents only (enrollment, WebSocket, health), so the console port can stay internal. */
    agentListener: z.object({ host: z.string().min(1).max(255).default('0.0.0.0'), port: z.number().int().min(0).max(65_535) }).strict().optional(),
    security: SecurityConfig.prefault({}),
    /** Feeds, SLA policy, risk model, compliance snapshots (docs/vulnerabilities.md). */
    vulnerabilities: VulnerabilityConfig.prefault({}),
  })
  .strict();
export type ServerConfig = z.infer<typeof ServerConfig>;

/** Flags (from the CLI) that override environment and file. */
export interface ConfigFlags {
  config?: string;
  dataDir?: string;
  host?: string;
  port?: string;
  publicUrl?: string;
  logLevel?: string;
  /** `--insecure-http`: plain HTTP on an address that is not loopback. */
  insecureHttp?: boolean;
  /** `--tls-cert` / `--tls-key`: PEM files (both or neither). */
  tlsCert?: string;
  tlsKey?: string;
  /** `--agent-port` / `--agent-host`: a separate listener for agents. */
  agentPort?: string;
  agentHost?: string;
}

/** Flags and environment variables of the trust settings, folded into nested config keys. */
function applyTrustOverrides(raw: Record<string, unknown>, sources: Map<string, string>, flags: ConfigFlags, env: NodeJS.ProcessEnv): void {
  const insecure = flags.insecureHttp ? 'flag --insecure-http' : env.PATCHWAVE_INSECURE_HTTP ? 'environment PATCHWAVE_INSECURE_HTTP' : undefined;
  if (insecure) {
    const value = flags.insecureHttp ?? env.PATCHWAVE_INSECURE_HTTP;
    raw.insecureHttp = value === true || value === '1' || value === 'true' ? true : value === '0' || value === 'false' ? false : value;
    sources.set('insecureHttp', insecure);
  }
  const cert = flags.tlsCert ?? env.PATCHWAVE_TLS_CERT;
  const key = flags.tlsKey ?? env.PATCHWAVE_TLS_KEY;
  if (cert !== undefined || key !== undefined) {
    raw.tls = { ...(cert !== undefined ? { certFile: cert } : {}), ...(key !== undefined ? { keyFile: key } : {}) };
    sources.set('tls', flags.tlsCert !== undefined || flags.tlsKey !== undefined ? 'flags --tls-cert/--tls-key' : 'environment PATCHWAVE_TLS_CERT/PATCHWAVE_TLS_KEY');
  }
  const agentPort = flags.agentPort ?? env.PATCHWAVE_AGENT_PORT;
  if (agentPort !== undefined) {
    const host = flags.agentHost ?? env.PATCHWAVE_AGENT_HOST;
    raw.agentListener = { ...((raw.agentListener as object | undefined) ?? {}), port: numeric(agentPort), ...(host !== undefined ? { host } : {}) };
    sources.set('agentListener', flags.agentPort !== undefined ? 'flag --agent-port' : 'environment PATCHWAVE_AGENT_PORT');
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Per-OS default data directory for a server run by the current user. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'patchwave', 'server');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'patchwave-server');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'patchwave', 'server');
}

/** Numeric text becomes a number; anything else stays text so that zod names it as wrong. */
const numeric = (text: string | undefined): number | string | undefined =>
  text === undefined ? undefined : /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;

const ENV_KEYS = {
  dataDir: 'PATCHWAVE_DATA_DIR',
  host: 'PATCHWAVE_HOST',
  port: 'PATCHWAVE_PORT',
  publicUrl: 'PATCHWAVE_PUBLIC_URL',
  logLevel: 'PATCHWAVE_LOG_LEVEL',
  heartbeatSeconds: 'PATCHWAVE_HEARTBEAT_SECONDS',
} as const;

const TRUST_FLAG_KEYS = new Set(['insecureHttp', 'tlsCert', 'tlsKey', 'agentPort', 'agentHost']);

const FLAG_NAMES: Record<string, string> = { dataDir: '--data-dir', host: '--host', port: '--port', publicUrl: '--public-url', logLevel: '--log-level' };

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Builds the config from defaults < config file (`--config` or PATCHWAVE_CONFIG) < environment <
 * flags. Every problem is reported with the key and where its value came from.
 */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const sources = new Map<string, string>();
  const raw: Record<string, unknown> = {};
  const filePath = flags.config ?? env.PATCHWAVE_CONFIG;
  if (filePath) {
    for (const [key, value] of Object.entries(readConfigFile(filePath))) {
      raw[key] = value;
      sources.set(key, `config file ${filePath}`);
    }
  }
  for (const [key, name] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[key] = key === 'port' || key === 'heartbeatSeconds' ? numeric(value) : value;
    sources.set(key, `environment ${name}`);
  }
  applyTrustOverrides(raw, sources, flags, env);
  for (const [key, value] of Object.entries(flags)) {
    if (key === 'config' || value === undefined || TRUST_FLAG_KEYS.has(key)) continue;
    raw[key] = key === 'port' ? numeric(value) : value;
    sources.set(key, `flag ${FLAG_NAMES[key] ?? key}`);
  }
  raw.dataDir ??= defaultDataDir(env);
  const parsed = ServerConfig.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.') || '(config)';
      const source =
        issue.code === 'unrecognized_keys' && filePath ? `config file ${filePath}` : (sources.get(String(issue.path[0] ?? '')) ?? 'defaults');
      return `  ${key} (from ${source}): ${issue.message}`;
    });
    throw new ConfigError(`invalid server configuration:\n${problems.join('\n')}`);
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}

export function databaseFile(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'patchwave.db');
}
