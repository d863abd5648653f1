import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { parseDuration, formatDuration } from './duration.js';
import { loadConfig, requireServerUrl, type ConfigInputs } from './load.js';

function inputs(over: Partial<ConfigInputs> & { files?: Record<string, string> } = {}): ConfigInputs {
  const files = over.files ?? {};
  return {
    flags: over.flags ?? {},
    env: over.env ?? {},
    platform: over.platform ?? 'linux',
    cwd: over.cwd ?? '/srv/example',
    readFile: (f) => files[f],
  };
}

function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig sources', () => {
  it('uses the per-OS defaults when nothing is set', () => {
    const linux = loadConfig(inputs());
    expect(linux).toMatchObject({
      configFile: { path: '/etc/patchwave/agent.json', found: false },
      serverUrl: undefined,
      stateDir: '/var/lib/patchwave',
      inventoryIntervalMs: 3_600_000,
      logLevel: 'info',
      tags: [],
      managers: { aptOptions: [] },
    });
    const win = loadConfig(inputs({ platform: 'win32', env: { ProgramData: 'D:\\PD' } }));
    expect(win.configFile.path).toContain('D:\\PD\\patchwave\\agent.json');
    expect(win.stateDir).toBe('D:\\PD\\patchwave\\state');
    const mac = loadConfig(inputs({ platform: 'darwin' }));
    expect(mac.configFile.path).toBe('/Library/Application Support/patchwave/agent.json');
    expect(mac.stateDir).toBe('/Library/Application Support/patchwave/state');
  });

  it('reads the default config file', () => {
    const cfg = loadConfig(
      inputs({
        files: {
          '/etc/patchwave/agent.json': JSON.stringify({
            serverUrl: 'https://patch.example.com/',
            enrollToken: 'tok-file',
            stateDir: 'state',
            inventoryInterval: '6h',
            logLevel: 'debug',
            tags: ['prod', 'web'],
            managers: { apt: { options: ['Acquire::http::Proxy=http://proxy:3128'] } },
          }),
        },
      }),
    );
    expect(cfg).toMatchObject({
      configFile: { found: true },
      serverUrl: 'https://patch.example.com',
      enrollToken: 'tok-file',
      stateDir: '/etc/patchwave/state',
      inventoryIntervalMs: 6 * 3_600_000,
      logLevel: 'debug',
      tags: ['prod', 'web'],
      managers: { aptOptions: ['Acquire::http::Proxy=http://proxy:3128'] },
    });
    expect(cfg.sources['serverUrl']).toBe('file /etc/patchwave/agent.json');
  });

  it('reads the environment, including PATCHWAVE_CONFIG', () => {
    const cfg = loadConfig(
      inputs({
        env: {
          PATCHWAVE_CONFIG: 'conf/agent.json',
          PATCHWAVE_SERVER_URL: 'http://127.0.0.1:8080',
          PATCHWAVE_ENROLL_TOKEN: 'tok-env',
          PATCHWAVE_STATE_DIR: 'var',
        },
        files: { '/srv/example/conf/agent.json': '{"logLevel":"warn"}' },
      }),
    );
    expect(cfg).toMatchObject({
      configFile: { path: '/srv/example/conf/agent.json', found: true },
      serverUrl: 'http://127.0.0.1:8080',
      enrollToken: 'tok-env',
      stateDir: '/srv/example/var',
      logLevel: 'warn',
    });
    expect(cfg.sources).toMatchObject({ serverUrl: 'environment PATCHWAVE_SERVER_URL', logLevel: 'file /srv/example/conf/agent.json' });
  });

  it('ranks flags over environment over file over defaults', () => {
    const files = { '/etc/patchwave/agent.json': '{"serverUrl":"https://file.example","stateDir":"/f","enrollToken":"f","logLevel":"error"}' };
    const env = { PATCHWAVE_SERVER_URL: 'https://env.example', PATCHWAVE_STATE_DIR: '/e' };
    const flags = { serverUrl: 'https://flag.example' };
    const cfg = loadConfig(inputs({ files, env, flags }));
    expect(cfg.serverUrl).toBe('https://flag.example');
    expect(cfg.stateDir).toBe('/e');
    expect(cfg.enrollToken).toBe('f');
    expect(cfg.logLevel).toBe('error');
    expect(cfg.inventoryIntervalMs).toBe(3_600_000);
    expect(cfg.sources).toMatchObject({
      serverUrl: 'flag --server-url',
      stateDir: 'environment PATCHWAVE_STATE_DIR',
      enrollToken: 'file /etc/patchwave/agent.json',
      inventoryInterval: 'default',
    });
  });

  it('treats an empty environment variable as unset', () => {
    const cfg = loadConfig(inputs({ env: { PATCHWAVE_SERVER_URL: '' } }));
    expect(cfg.serverUrl).toBeUndefined();
  });

  it('takes tags and the simulation scenario from flags', () => {
    const cfg = loadConfig(inputs({ flags: { tags: ['a', 'b'], simulate: 'scenario.json' } }));
    expect(cfg.tags).toEqual(['a', 'b']);
    expect(cfg.managers.simulateScenario).toBe('/srv/example/scenario.json');
  });
});

describe('loadConfig errors name the field and the source', () => {
  it.each([
    [{ flags: { serverUrl: 'not a url' } }, 'serverUrl', 'flag --server-url', /is not a URL/],
    [{ env: { PATCHWAVE_SERVER_URL: 'ftp://x' } }, 'serverUrl', 'environment PATCHWAVE_SERVER_URL', /https/],
    [{ flags: { serverUrl: 'http://patch.example.com' } }, 'serverUrl', 'flag --server-url', /not loopback/],
    [{ flags: { serverUrl: 'https://u:p@x.example' } }, 'serverUrl', 'flag --server-url', /password/],
    [{ flags: { inventoryInterval: 'often' } }, 'inventoryInterval', 'flag --inventory-interval', /not a duration/],
    [{ env: { PATCHWAVE_INVENTORY_INTERVAL: '5s' } }, 'inventoryInterval', 'environment PATCHWAVE_INVENTORY_INTERVAL', /between 30s and 7d/],
    [{ flags: { logLevel: 'loud' } }, 'logLevel', 'flag --log-level', /must be one of/],
    [{ flags: { tags: ['ok', 'bad tag'] } }, 'tags', 'flag --tag', /tags are/],
    [{ flags: { config: 'missing.json' } }, 'config file', 'flag --config', /does not exist: \/srv\/example\/missing.json/],
    [{ env: { PATCHWAVE_CONFIG: '/nope.json' } }, 'config file', 'environment PATCHWAVE_CONFIG', /does not exist/],
  ] as const)('%o → %s from %s', (over, field, source, problem) => {
    const err = failure(() => loadConfig(inputs(over as Partial<ConfigInputs>)));
    expect(err.code).toBe('E_CONFIG_INVALID');
    expect(err.field).toBe(field);
    expect(err.source).toBe(source);
    expect(err.message).toMatch(problem);
  });

  it('rejects an unknown key in the file (a typo must not pass silently)', () => {
    const err = failure(() => loadConfig(inputs({ files: { '/etc/patchwave/agent.json': '{"serverURL":"https://x.example"}' } })));
    expect(err.field).toBe('serverURL');
    expect(err.source).toBe('file /etc/patchwave/agent.json');
    expect(err.message).toMatch(/not a known setting/);
    const nested = failure(() => loadConfig(inputs({ files: { '/etc/patchwave/agent.json': '{"managers":{"apt":{"option":[]}}}' } })));
    expect(nested.field).toBe('managers.apt.option');
  });

  it('rejects bad values and bad JSON in the file', () => {
    const bad = failure(() => loadConfig(inputs({ files: { '/etc/patchwave/agent.json': '{"inventoryInterval":"soon"}' } })));
    expect(bad.field).toBe('inventoryInterval');
    expect(bad.source).toBe('file /etc/patchwave/agent.json');
    const opt = failure(() =>
      loadConfig(inputs({ files: { '/etc/patchwave/agent.json': '{"managers":{"apt":{"options":["-oAPT::Get::AllowUnauthenticated=1"]}}}' } })),
    );
    expect(opt.field).toBe('managers.apt.options.0');
    const json = failure(() => loadConfig(inputs({ files: { '/etc/patchwave/agent.json': '{"serverUrl":' } })));
    expect(json.message).toMatch(/not valid JSON/);
  });

  it('allows http:// off loopback only when the file says so', () => {
    const files = { '/etc/patchwave/agent.json': '{"serverUrl":"http://patch.lan:8080","allowInsecureHttp":true}' };
    expect(loadConfig(inputs({ files })).serverUrl).toBe('http://patch.lan:8080');
    expect(loadConfig(inputs({ flags: { serverUrl: 'http://[::1]:9' } })).serverUrl).toBe('http://[::1]:9');
  });

  it('says every way to set a missing server URL', () => {
    const err = failure(() => requireServerUrl(loadConfig(inputs())));
    expect(err.message).toMatch(/\/etc\/patchwave\/agent.json, PATCHWAVE_SERVER_URL or --server-url/);
  });
});

describe('durations', () => {
  it('reads and formats', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration(120)).toBe(120_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1 h')).toBeUndefined();
    expect(parseDuration('-5')).toBeUndefined();
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0ms');
  });
});
