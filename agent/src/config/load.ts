import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { LocalManagerSettings } from '../pkg/package-manager.js';
import { ConfigError } from './config-error.js';
import { DEFAULT_INVENTORY_INTERVAL_MS, DEFAULT_LOG_LEVEL, defaultPaths } from './defaults.js';
import { AgentConfigFile, Fingerprint, InventoryInterval, isLoopbackUrl, LOG_LEVELS, ServerUrl, Tag, type LogLevel } from './schema.js';

/** Settings given on the command line (already split by the CLI's parseArgs). */
export interface ConfigFlags {
  config?: string;
  serverUrl?: string;
  enrollToken?: string;
  stateDir?: string;
  inventoryInterval?: string;
  logLevel?: string;
  tags?: string[];
  simulate?: string;
  serverKey?: string;
  serverFingerprint?: string;
}


export interface AgentConfig {
  configFile: { path: string; found: boolean };
  serverUrl: string | undefined;
  enrollToken: string | undefined;
  stateDir: string;
  inventoryIntervalMs: number;
  logLevel: LogLevel;
  tags: string[];
  allowInsecureHttp: boolean;
  /** Pinned fingerprint of the server's job-signing key; undefined: trust on first use. */
  serverKey: string | undefined;
  /** Pinned SHA-256 fingerprint of the server's TLS certificate; undefined: normal CA validation. */
  serverFingerprint: string | undefined;
  managers: LocalManagerSettings;
  /** Where each setting came from: "flag --state-dir", "environment PATCHWAVE_STATE_DIR", "file …", "default". */
  sources: Record<string, string>;
}

export interface ConfigInputs {
  flags: ConfigFlags;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  cwd: string;
  /** Reads the config file; undefined when it does not exist. Defaults to node:fs. */
  readFile?: (file: string) => string | undefined;
}

const ENV = {
  serverUrl: 'PATCHWAVE_SERVER_URL',
  enrollToken: 'PATCHWAVE_ENROLL_TOKEN',
  stateDir: 'PATCHWAVE_STATE_DIR',
  config: 'PATCHWAVE_CONFIG',
  logLevel: 'PATCHWAVE_LOG_LEVEL',
  inventoryInterval: 'PATCHWAVE_INVENTORY_INTERVAL',
  serverKey: 'PATCHWAVE_SERVER_KEY',
  serverFingerprint: 'PATCHWAVE_SERVER_FINGERPRINT',
} as const;

const FLAG = {
  serverUrl: '--server-url',
  enrollToken: '--enroll-token',
  stateDir: '--state-dir',
  config: '--config',
  logLevel: '--log-level',
  inventoryInterval: '--inventory-interval',
  tags: '--tag',
  simulate: '--simulate',
  serverKey: '--server-key',
  serverFingerprint: '--server-fingerprint',
} as const;

function readFileDefault(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('config file', `file ${file}`, `cannot be read: ${(err as Error).message}`);
  }
}

function check<S extends z.ZodType>(schema: S, value: unknown, field: string, source: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(field, source, parsed.error.issues[0]?.message ?? 'is invalid');
  return parsed.data;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

function readConfigFile(file: string, explicit: string | undefined, read: (f: string) => string | undefined) {
  const text = read(file);
  if (text === undefined) {
    if (explicit) throw new ConfigError('config file', explicit, `does not exist: ${file}`);
    return { found: false, data: {} as z.output<typeof AgentConfigFile> };
  }
  const source = `file ${file}`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('config file', source, `is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = AgentConfigFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue && 'keys' in issue ? (issue.keys as string[]) : [];
    const at = issue?.path.length ? issue.path.join('.') : '(top level)';
    if (issue?.code === 'unrecognized_keys') {
      const field = issue.path.length ? `${at}.${keys.join(', ')}` : keys.join(', ');
      throw new ConfigError(field, source, 'is not a known setting (check the spelling)');
    }
    throw new ConfigError(at, source, issue?.message ?? 'is invalid');
  }
  return { found: true, data: parsed.data };
}

/**
 * Builds the agent configuration from flags > environment > file > defaults. Every value is
 * validated where it comes from, so an error names both the field and the source.
 */
export function loadConfig(inputs: ConfigInputs): AgentConfig {
  const { flags, env, platform, cwd } = inputs;
  const defaults = defaultPaths(platform, env);
  const sources: Record<string, string> = {};

  const configFlag = flags.config;
  const configEnv = envValue(env, ENV.config);
  const explicit = configFlag !== undefined ? `flag ${FLAG.config}` : configEnv !== undefined ? `environment ${ENV.config}` : undefined;
  const configPath = path.resolve(cwd, configFlag ?? configEnv ?? defaults.configFile);
  const file = readConfigFile(configPath, explicit, inputs.readFile ?? readFileDefault);
  const fileSource = `file ${configPath}`;

  function pick<T>(key: keyof typeof ENV & keyof typeof FLAG, schema: z.ZodType<T>, fromFile: T | undefined): T | undefined {
    const flag = flags[key];
    if (flag !== undefined) {
      sources[key] = `flag ${FLAG[key]}`;
      return check(schema, flag, key, sources[key]);
    }
    const fromEnv = envValue(env, ENV[key]);
    if (fromEnv !== undefined) {
      sources[key] = `environment ${ENV[key]}`;
      return check(schema, fromEnv, key, sources[key]);
    }
    if (fromFile !== undefined) {
      sources[key] = fileSource;
      return fromFile;
    }
    sources[key] = 'default';
    return undefined;
  }

  const serverUrl = pick('serverUrl', ServerUrl, file.data.serverUrl);
  const enrollToken = pick('enrollToken', z.string().min(1, 'is empty').max(256), file.data.enrollToken);
  const stateDirRaw = pick('stateDir', z.string().min(1, 'is empty').max(4096), file.data.stateDir);
  const inventoryIntervalMs = pick('inventoryInterval', InventoryInterval, file.data.inventoryInterval);
  const serverKey = pick('serverKey', Fingerprint, file.data.serverKey);
  const serverFingerprint = pick('serverFingerprint', Fingerprint, file.data.serverFingerprint);
  const logLevel = pick('logLevel', z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }), file.data.logLevel);

  let tags = file.data.tags ?? [];
  sources['tags'] = file.data.tags ? fileSource : 'default';
  if (flags.tags?.length) {
    tags = flags.tags.map((t) => check(Tag, t, 'tags', `flag ${FLAG.tags}`));
    sources['tags'] = `flag ${FLAG.tags}`;
  }

  const allowInsecureHttp = file.data.allowInsecureHttp ?? false;
  if (serverUrl && new URL(serverUrl).protocol === 'http:' && !isLoopbackUrl(serverUrl) && !allowInsecureHttp) {
    throw new ConfigError(
      'serverUrl',
      sources['serverUrl'] ?? 'default',
      'uses http:// to a host that is not loopback: use https:// (or set "allowInsecureHttp": true in the config file)',
    );
  }

  const stateDir =
    stateDirRaw === undefined
      ? defaults.stateDir
      : path.resolve(sources['stateDir'] === fileSource ? path.dirname(configPath) : cwd, stateDirRaw);

  let simulateScenario: string | undefined;
  if (flags.simulate !== undefined) {
    simulateScenario = path.resolve(cwd, check(z.string().min(1, 'is empty'), flags.simulate, 'simulate', `flag ${FLAG.simulate}`));
    sources['simulate'] = `flag ${FLAG.simulate}`;
  }

  return {
    configFile: { path: configPath, found: file.found },
    serverUrl,
    enrollToken,
    stateDir,
    inventoryIntervalMs: inventoryIntervalMs ?? DEFAULT_INVENTORY_INTERVAL_MS,
    logLevel: logLevel ?? DEFAULT_LOG_LEVEL,
    tags,
    allowInsecureHttp,
    serverKey,
    serverFingerprint,
    managers: {
      aptOptions: file.data.managers?.apt?.options ?? [],
      ...(simulateScenario ? { simulateScenario } : {}),
    },
    sources,
  };
}

/** The server URL, or a ConfigError that says every way to set it. */
export function requireServerUrl(config: AgentConfig): string {
  if (config.serverUrl) return config.serverUrl;
  throw new ConfigError(
    'serverUrl',
    'none of the sources',
    `is required: set "serverUrl" in ${config.configFile.path}, ${ENV.serverUrl} or ${FLAG.serverUrl}`,
  );
}

export { ENV as CONFIG_ENV, FLAG as CONFIG_FLAG };
