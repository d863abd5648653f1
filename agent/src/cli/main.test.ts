import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from './main.js';
import type { CliIO } from './io.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pw-cli-'));
  await fs.writeFile(path.join(dir, 'empty.json'), '{}');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function cli(argv: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => opts.stdin ?? '',
    // An empty config file keeps the host's /etc/patchwave/agent.json out of these tests.
    env: { PATCHWAVE_CONFIG: path.join(dir, 'empty.json'), ...opts.env },
    cwd: dir,
    platform: 'linux',
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const fixtures = path.resolve(import.meta.dirname, '../pkg/apt/fixtures');

describe('patchwave-agent CLI', () => {
  it('prints its version and usage', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    expect((await cli(['--help'])).stdout).toMatch(/^patchwave-agent — /);
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage:/);
  });

  it('rejects unknown commands and flags with exit code 2 and a clear message', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^patchwave-agent: unknown command "frobnicate"/);
    const flag = await cli(['inventory', '--jsn']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^patchwave-agent: inventory: Unknown option '--jsn'\n/);
    const extra = await cli(['plan', 'now']);
    expect(extra).toMatchObject({ code: 2, stderr: expect.stringMatching(/plan: unexpected argument "now"/) });
  });

  it('stops on a bad configuration with exit code 2, naming the field and the source', async () => {
    const flag = await cli(['run', '--server-url', 'ftp://x']);
    expect(flag).toMatchObject({ code: 2, stderr: 'patchwave-agent: invalid configuration: serverUrl (from flag --server-url) must start with https:// (or http:// on loopback)\n' });
    const env = await cli(['run'], { env: { PATCHWAVE_INVENTORY_INTERVAL: 'often' } });
    expect(env.stderr).toMatch(/inventoryInterval \(from environment PATCHWAVE_INVENTORY_INTERVAL\) is not a duration/);
    await fs.writeFile(path.join(dir, 'agent.json'), '{"serverUrl":"https://x.example","logLevl":"debug"}');
    const file = await cli(['run', '--config', 'agent.json']);
    expect(file).toMatchObject({ code: 2, stderr: expect.stringMatching(/logLevl \(from file .*agent\.json\) is not a known setting/) });
    const missing = await cli(['run']);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/serverUrl .* is required/) });
  });

  it('refuses to start for the first time without an enrollment token (exit 2)', async () => {
    const res = await cli(['run', '--server-url', 'http://127.0.0.1:1', '--state-dir', path.join(dir, 'state'), '--log-level', 'silent']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/enrollToken \(from default\) is required for the first start \(no credential in .*state\)/);
  });

  it('compares versions', async () => {
    expect((await cli(['vercmp', 'dpkg', '1.0~rc1', '1.0'])).stdout).toBe('-1\n');
    expect((await cli(['vercmp', 'dpkg', '1:1.0', '2.0'])).stdout).toBe('1\n');
    expect((await cli(['vercmp', 'rpm', '1.0', '1.0'])).stdout).toBe('0\n');
    expect((await cli(['vercmp', 'dpkg', '--', '1.0', '1.0'])).stdout).toBe('0\n');
    const bad = await cli(['vercmp', 'semver', '1', '2']);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown scheme "semver" \(expected dpkg, rpm, apk, pacman, generic\)/) });
    expect((await cli(['vercmp', 'dpkg', '1'])).code).toBe(2);
  });

  it('parses captured output from a file or stdin into the adapter’s JSON', async () => {
    const file = await cli(['parse', 'apt', 'updates', path.join(fixtures, 'apt-get-s-dist-upgrade.bookworm.txt')]);
    expect(file.code).toBe(0);
    const parsed = JSON.parse(file.stdout) as { manager: string; kind: string; value: { security: boolean }[]; problems: unknown[] };
    expect(parsed).toMatchObject({ manager: 'apt', kind: 'updates', problems: [] });
    expect(parsed.value.filter((u) => u.security)).toHaveLength(74);
    const stdin = await cli(['parse', 'apt', 'reboot'], { stdin: 'NEEDRESTART-KSTA: 3\n' });
    expect(JSON.parse(stdin.stdout)).toMatchObject({ value: { reboot: { required: true } } });
    expect((await cli(['parse', 'nosuch', 'installed'])).stderr).toMatch(/unknown manager "nosuch" \(known: apt/);
    expect((await cli(['parse', 'apt', 'everything'])).stderr).toMatch(/unknown kind "everything"/);
    expect((await cli(['parse', 'apt', 'installed', 'missing.txt'])).stderr).toMatch(/cannot read missing.txt: ENOENT/);
  });
});

describe('patchwave-agent uninstall', () => {
  it('keeps everything without --purge and deletes config and state with it', async () => {
    const state = path.join(dir, 'state');
    const config = path.join(dir, 'conf', 'agent.json');
    await fs.mkdir(state, { recursive: true });
    await fs.mkdir(path.dirname(config), { recursive: true });
    await fs.writeFile(path.join(state, 'credential.json'), '{}', { mode: 0o600 });
    await fs.writeFile(config, JSON.stringify({ stateDir: state }));

    const kept = await cli(['uninstall', '--json'], { env: { PATCHWAVE_CONFIG: config } });
    expect(kept.code, kept.stderr).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({ purged: false, removed: [] });
    await expect(fs.stat(path.join(state, 'credential.json'))).resolves.toBeTruthy();

    const purged = await cli(['uninstall', '--purge'], { env: { PATCHWAVE_CONFIG: config } });
    expect(purged.code, purged.stderr).toBe(0);
    expect(purged.stdout).toContain(`removed ${state}`);
    await expect(fs.stat(state)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.stat(config)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses unknown flags with exit 2', async () => {
    const bad = await cli(['uninstall', '--everything']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--everything');
  });
});
