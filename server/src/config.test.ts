import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultDataDir, loadConfig } from './config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig({}, { HOME: '/home/op', XDG_DATA_HOME: '/data' });
    expect(config).toMatchObject({ dataDir: '/data/patchwave/server', host: '127.0.0.1', port: 8080, logLevel: 'info', heartbeatSeconds: 60 });
    expect(config.agent).toEqual({ maxBadFrames: 10, messagesPerSecond: 20, burst: 60 });
  });

  it('layers file < environment < flags', () => {
    const file = join(dir, 'server.json');
    writeFileSync(file, JSON.stringify({ dataDir: 'from-file', port: 1000, host: '0.0.0.0', heartbeatSeconds: 30, agent: { maxBadFrames: 3 } }));
    const config = loadConfig({ config: file, port: '3000' }, { PATCHWAVE_PORT: '2000', PATCHWAVE_DATA_DIR: join(dir, 'env-data'), PATCHWAVE_LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ dataDir: join(dir, 'env-data'), port: 3000, host: '0.0.0.0', logLevel: 'debug', heartbeatSeconds: 30 });
    expect(config.agent.maxBadFrames).toBe(3);
  });

  it('resolves a relative data dir', () => {
    expect(loadConfig({ dataDir: 'rel/data' }, {}).dataDir).toBe(resolve('rel/data'));
  });

  it('names the key and where a bad value came from', () => {
    const cases: [Parameters<typeof loadConfig>[0], NodeJS.ProcessEnv, string][] = [
      [{ port: 'eighty' }, {}, 'port (from flag --port)'],
      [{}, { PATCHWAVE_PORT: '70000' }, 'port (from environment PATCHWAVE_PORT)'],
      [{ logLevel: 'loud' }, {}, 'logLevel (from flag --log-level)'],
      [{ publicUrl: 'ftp://x' }, {}, 'publicUrl (from flag --public-url)'],
      [{}, { PATCHWAVE_HEARTBEAT_SECONDS: '1' }, 'heartbeatSeconds (from environment PATCHWAVE_HEARTBEAT_SECONDS)'],
    ];
    for (const [flags, env, expected] of cases) {
      expect(() => loadConfig(flags, env)).toThrow(ConfigError);
      expect(() => loadConfig(flags, env)).toThrow(expected);
    }
  });

  it('refuses unknown keys, bad JSON and a missing file', () => {
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ prot: 80 }));
    expect(() => loadConfig({ config: typo }, {})).toThrow(`(from config file ${typo}): Unrecognized key: "prot"`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ port: 80 ');
    expect(() => loadConfig({ config: bad }, {})).toThrow(`config file ${bad} is not valid JSON`);
    expect(() => loadConfig({ config: join(dir, 'missing.json') }, {})).toThrow('cannot read config file');
    expect(() => loadConfig({}, { PATCHWAVE_CONFIG: join(dir, 'missing.json') })).toThrow('cannot read config file');
  });

  it('has per-OS default data dirs', () => {
    expect(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\op\\AppData\\Local' }, 'win32')).toContain('patchwave');
    expect(defaultDataDir({}, 'darwin')).toContain(join('Library', 'Application Support', 'patchwave-server'));
  });
});
