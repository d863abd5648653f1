import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSums, sha256File } from '../../scripts/lib/checksums.js';
import { buildDeb } from '../../scripts/lib/package-deb.js';
import { buildRpm } from '../../scripts/lib/package-rpm.js';
import { runTool } from '../../scripts/lib/run-tool.js';
import { AgentProcess, startAsUnit } from './support/agent-process.js';
import { dpkg, dpkgStatus, exists, mode } from './support/dpkg.js';
import { TestServer } from './support/test-server.js';
import { waitFor } from './support/wait.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'agent', 'package.json'), 'utf8')) as { version: string }).version;

/** The parsed JSON file, or undefined while it does not exist yet. */
async function readJson<T>(file: string): Promise<T | undefined> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

let out: string;
let server: TestServer;
let deb: string;
let debUpgrade: string;
let rpm: string;
const exe = () => path.join(out, 'patchwave-agent-linux-x64');

/** Seconds since `started`, for the build-time lines in the test output. */
const since = (started: number) => `${((Date.now() - started) / 1000).toFixed(1)} s`;

// One build per file: the executables (through the real `build-agent` command), then the packages.
beforeAll(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-sea-'));
  let started = Date.now();
  const build = await runTool(process.execPath, ['--import', 'tsx', 'scripts/build-agent.ts', '--target', 'linux-x64,linux-arm64', '--out-dir', out], {
    cwd: REPO_ROOT,
  });
  console.log(`[packaging] build-agent linux-x64,linux-arm64: ${since(started)}\n${build.stdout.trim()}`);
  const packages = path.join(out, 'packages');
  started = Date.now();
  deb = await buildDeb({ binary: exe(), version: VERSION, arch: 'x64', outDir: packages });
  console.log(`[packaging] ${path.basename(deb)} ${((await fs.stat(deb)).size / 2 ** 20).toFixed(1)} MiB: ${since(started)}`);
  debUpgrade = await buildDeb({ binary: exe(), version: `${VERSION}.1`, arch: 'x64', outDir: path.join(packages, 'next') });
  started = Date.now();
  rpm = await buildRpm({ binary: exe(), version: VERSION, arch: 'x64', outDir: packages, license: 'UNLICENSED' });
  console.log(`[packaging] ${path.basename(rpm)} ${((await fs.stat(rpm)).size / 2 ** 20).toFixed(1)} MiB: ${since(started)}`);
  server = await TestServer.start();
}, 900_000);

afterAll(async () => {
  await server?.stop();
  if (out) await fs.rm(out, { recursive: true, force: true });
});

describe('the one-file agent executable (Node SEA)', () => {
  it('is listed with its SHA-256 in SHA256SUMS, in the format sha256sum -c reads', async () => {
    const sums = parseSums(await fs.readFile(path.join(out, 'SHA256SUMS'), 'utf8'));
    expect([...sums.keys()].sort()).toEqual(['patchwave-agent-linux-arm64', 'patchwave-agent-linux-x64']);
    // Node.js's license travels with the executables that embed it.
    expect(await fs.readFile(path.join(out, 'NODE-LICENSE'), 'utf8')).toContain('Node.js is licensed for use as follows');
    for (const [name, hash] of sums) expect(await sha256File(path.join(out, name))).toBe(hash);
    const check = await runTool('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out });
    expect(check.stdout).toContain('patchwave-agent-linux-x64: OK');
  });

  it('prints the version of agent/package.json', async () => {
    const { stdout } = await runTool(exe(), ['--version']);
    expect(stdout).toBe(`${VERSION}\n`);
    expect((await fs.stat(exe())).mode & 0o777).toBe(0o755);
  });

  it('needs no Node.js or node_modules: it runs from an empty directory with an empty PATH', async () => {
    const lonely = await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-lonely-'));
    try {
      await fs.copyFile(exe(), path.join(lonely, 'patchwave-agent'));
      await fs.chmod(path.join(lonely, 'patchwave-agent'), 0o755);
      const res = await runTool(path.join(lonely, 'patchwave-agent'), ['vercmp', 'dpkg', '1:1.0-1', '1.1'], { cwd: lonely, env: { PATH: '' } });
      expect(res.stdout).toBe('1\n'); // an epoch outranks any upstream version
    } finally {
      await fs.rm(lonely, { recursive: true, force: true });
    }
  });

  it('inventory --json reports this machine', async () => {
    const config = path.join(out, 'empty-config.json');
    await fs.writeFile(config, '{}');
    const { stdout } = await runTool(exe(), ['inventory', '--json'], { env: { ...process.env, PATCHWAVE_CONFIG: config }, timeoutMs: 180_000 });
    const inventory = JSON.parse(stdout) as { hash: string; facts: { hostname: string; os: { platform: string } }; packages: { manager: string }[] };
    expect(inventory.facts.hostname).toBe(os.hostname());
    expect(inventory.facts.os.platform).toBe('linux');
    expect(inventory.hash).toMatch(/^[0-9a-f]{64}$/);
    const dpkg = await runTool('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n']);
    const installed = dpkg.stdout.split('\n').filter((l) => /^[ih]i/.test(l)).length;
    expect(inventory.packages.filter((p) => p.manager === 'apt')).toHaveLength(installed);
  }, 200_000);

  it('enrolls with a real server, comes online, and keeps its identity across a restart', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-sea-run-'));
    try {
      const token = await server.enrollToken('sea-executable');
      const config = path.join(dir, 'agent.json');
      await fs.writeFile(config, JSON.stringify({ serverUrl: server.url, enrollToken: token }), { mode: 0o600 });
      const env = { PATH: process.env['PATH'], PATCHWAVE_CONFIG: config, PATCHWAVE_STATE_DIR: path.join(dir, 'state') };
      const before = (await server.devices()).length;

      let agent = AgentProcess.start(exe(), ['run'], env);
      const credential = path.join(dir, 'state', 'credential.json');
      const { deviceId } = await waitFor(() => readJson<{ deviceId: string }>(credential), {
        timeoutMs: 60_000,
        what: 'the agent to enroll and store its credential',
      });
      const device = await waitFor(async () => {
        const found = await server.device(deviceId);
        return found?.online ? found : undefined;
      }, { timeoutMs: 60_000, what: 'the device to be online on the server' });
      expect(device).toMatchObject({ hostname: os.hostname(), agentVersion: VERSION, os: { platform: 'linux' } });
      expect((await fs.stat(credential)).mode & 0o777).toBe(0o600);
      expect(await agent.stop()).toBe(0);

      agent = AgentProcess.start(exe(), ['run'], env);
      await waitFor(() => {
        if (agent.exited()) throw new Error(`the restarted agent exited:\n${agent.output()}`);
        return agent.output().includes('"msg":"agent running"');
      }, { timeoutMs: 60_000, what: 'the restarted agent to run' });
      expect(agent.output()).not.toContain('enrolling');
      await waitFor(async () => (await server.device(deviceId))?.online, { timeoutMs: 60_000, what: 'the device to be online again' });
      expect(await server.devices()).toHaveLength(before + 1);
      expect(await agent.stop()).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('the linux-arm64 executable runs under qemu-aarch64-static', async () => {
    const arm = path.join(out, 'patchwave-agent-linux-arm64');
    expect((await runTool('file', ['-b', arm])).stdout).toContain('ARM aarch64');
    // Debian's qemu-user-static and the arm64 cross C/C++ runtimes (libc6-arm64-cross, libstdc++6-arm64-cross).
    const { stdout } = await runTool('qemu-aarch64-static', ['-L', '/usr/aarch64-linux-gnu', arm, '--version'], { timeoutMs: 120_000 });
    expect(stdout).toBe(`${VERSION}\n`);
  }, 150_000);
});

/**
 * The .deb on this very machine: dpkg -i with the server URL and token in the environment, the
 * agent started as its unit starts it (there is no systemd in this container), then an upgrade,
 * dpkg -r and dpkg -P. The tests run in order and share the installed state.
 */
describe('the .deb package', () => {
  const unit = '/lib/systemd/system/patchwave-agent.service';
  const wants = '/etc/systemd/system/multi-user.target.wants/patchwave-agent.service';
  let deviceId: string;
  let configBytes: string;

  beforeAll(async () => {
    // Never touch a real installation: this test installs and purges the package.
    const status = await dpkgStatus('patchwave-agent');
    const leftovers = await Promise.all(['/etc/patchwave', '/var/lib/patchwave'].map(async (d) => ((await exists(d)) ? d : '')));
    if (status !== undefined || leftovers.some((d) => d !== '')) {
      throw new Error(`patchwave-agent is installed here (${status ?? leftovers.join(' ')}): remove it (dpkg -P patchwave-agent) before running this test`);
    }
  });

  afterAll(async () => {
    if ((await dpkgStatus('patchwave-agent')) !== undefined) await dpkg(['-P', 'patchwave-agent']);
  }, 120_000);

  it('shows its metadata and files', async () => {
    const info = (await runTool('dpkg-deb', ['-f', deb])).stdout;
    expect(info).toContain('Package: patchwave-agent');
    expect(info).toContain(`Version: ${VERSION}`);
    expect(info).toContain('Architecture: amd64');
    expect(info).toMatch(/^Depends: libc6 \(>= 2\.28\)/m);
    const files = (await runTool('dpkg-deb', ['-c', deb])).stdout;
    expect(files).toMatch(/^-rwxr-xr-x root\/root +\d+ .* \.\/usr\/bin\/patchwave-agent$/m);
    expect(files).toMatch(/^-rw-r--r-- root\/root +\d+ .* \.\/lib\/systemd\/system\/patchwave-agent\.service$/m);
    expect(files).toMatch(/^-rwxr-xr-x root\/root +\d+ .* \.\/usr\/lib\/patchwave\/write-config$/m);
    expect(files).toMatch(/^-rw-r--r-- root\/root +\d+ .* \.\/usr\/share\/doc\/patchwave-agent\/NODE-LICENSE$/m);
    expect(files).not.toContain('./var/lib/patchwave');
  });

  it('installs with dpkg -i, configured from PATCHWAVE_SERVER_URL and PATCHWAVE_ENROLL_TOKEN', async () => {
    const token = await server.enrollToken('deb-install');
    const res = await dpkg(['-i', deb], { PATCHWAVE_SERVER_URL: server.url, PATCHWAVE_ENROLL_TOKEN: token });
    expect(res.stdout).toContain(`wrote /etc/patchwave/agent.json for ${server.url}`);
    expect(await dpkgStatus('patchwave-agent')).toBe('install ok installed');
    configBytes = await fs.readFile('/etc/patchwave/agent.json', 'utf8');
    expect(JSON.parse(configBytes)).toEqual({ serverUrl: server.url, enrollToken: token });
    expect(await mode('/etc/patchwave/agent.json')).toBe(0o600);
    expect(await mode('/var/lib/patchwave')).toBe(0o700);
    // Enabled for the next boot (a file operation that works without a running systemd).
    expect(await fs.readlink(wants)).toBe(unit);
    // systemd's own checker accepts the unit as installed.
    await runTool('systemd-analyze', ['verify', unit]);
  }, 180_000);

  it('runs as its unit runs it, and enrolls with the server', async () => {
    const agent = await startAsUnit(unit);
    try {
      const cred = await waitFor(() => readJson<{ deviceId: string }>('/var/lib/patchwave/credential.json'), {
        timeoutMs: 90_000,
        what: 'the installed agent to enroll',
      });
      deviceId = cred.deviceId;
      await waitFor(async () => (await server.device(deviceId))?.online, { timeoutMs: 60_000, what: 'the device to be online' });
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  }, 180_000);

  it('an upgrade keeps the configuration and the device identity', async () => {
    const res = await dpkg(['-i', debUpgrade]);
    expect(res.stdout).toContain('keeping the configuration in /etc/patchwave/agent.json');
    expect(await runTool('dpkg-query', ['-W', '-f=${Version}', 'patchwave-agent'])).toMatchObject({ stdout: `${VERSION}.1` });
    expect(await fs.readFile('/etc/patchwave/agent.json', 'utf8')).toBe(configBytes);
    const devices = (await server.devices()).length;
    const agent = await startAsUnit(unit);
    try {
      await waitFor(() => {
        if (agent.exited()) throw new Error(`the upgraded agent exited:\n${agent.output()}`);
        return agent.output().includes('"msg":"agent running"');
      }, { timeoutMs: 90_000, what: 'the upgraded agent to run' });
      expect(agent.output()).toContain(deviceId);
      expect(agent.output()).not.toContain('enrolling');
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    expect(await server.devices()).toHaveLength(devices);
  }, 180_000);

  it('dpkg -r removes the program and the service, and keeps configuration and state', async () => {
    await dpkg(['-r', 'patchwave-agent']);
    expect(await dpkgStatus('patchwave-agent')).toBe('deinstall ok config-files');
    for (const gone of ['/usr/bin/patchwave-agent', unit, '/usr/lib/patchwave/write-config', wants]) expect(await exists(gone)).toBe(false);
    expect(JSON.parse(await fs.readFile('/var/lib/patchwave/credential.json', 'utf8'))).toMatchObject({ deviceId });
    expect(await fs.readFile('/etc/patchwave/agent.json', 'utf8')).toBe(configBytes);
  }, 120_000);

  it('dpkg -P removes configuration and state', async () => {
    await dpkg(['-P', 'patchwave-agent']);
    expect(await dpkgStatus('patchwave-agent')).toBeUndefined();
    for (const gone of ['/etc/patchwave', '/var/lib/patchwave']) expect(await exists(gone)).toBe(false);
  }, 120_000);

  it('takes its configuration from the preseed file /etc/patchwave/agent.env', async () => {
    await fs.mkdir('/etc/patchwave', { mode: 0o700 });
    await fs.writeFile('/etc/patchwave/agent.env', `PATCHWAVE_SERVER_URL="${server.url}"\nPATCHWAVE_ENROLL_TOKEN=pwe_preseeded\n`, { mode: 0o644 });
    await dpkg(['-i', deb]);
    expect(JSON.parse(await fs.readFile('/etc/patchwave/agent.json', 'utf8'))).toEqual({ serverUrl: server.url, enrollToken: 'pwe_preseeded' });
    expect(await mode('/etc/patchwave/agent.env')).toBe(0o600);
    await dpkg(['-P', 'patchwave-agent']);
    expect(await exists('/etc/patchwave')).toBe(false);
  }, 180_000);

  it('a bad server URL stops the installation with a message naming the variable, and writes no configuration', async () => {
    const err = await dpkg(['-i', deb], { PATCHWAVE_SERVER_URL: 'ftp://patch.example.com' }).catch((e: unknown) => e);
    expect(String((err as { stderr?: string }).stderr)).toContain('PATCHWAVE_SERVER_URL must start with https://');
    expect(await dpkgStatus('patchwave-agent')).toBe('install ok half-configured');
    expect(await exists('/etc/patchwave/agent.json')).toBe(false);
    await dpkg(['-P', 'patchwave-agent']);
    expect(await dpkgStatus('patchwave-agent')).toBeUndefined();
  }, 180_000);
});

describe('the .rpm package', () => {
  it('rpm -qpi and -qpl show its metadata and files', async () => {
    const info = (await runTool('rpm', ['-qpi', rpm])).stdout;
    expect(info).toMatch(/^Name +: patchwave-agent$/m);
    expect(info).toMatch(new RegExp(`^Version +: ${VERSION.replaceAll('.', '\\.')}$`, 'm'));
    expect(info).toMatch(/^Architecture: x86_64$/m);
    const files = (await runTool('rpm', ['-qpl', rpm])).stdout.trim().split('\n');
    expect(files).toEqual([
      '/usr/bin/patchwave-agent',
      '/usr/lib/patchwave',
      '/usr/lib/patchwave/write-config',
      '/usr/lib/systemd/system/patchwave-agent.service',
      '/usr/share/doc/patchwave-agent',
      '/usr/share/doc/patchwave-agent/NODE-LICENSE',
      '/usr/share/doc/patchwave-agent/agent.env.example',
    ]);
    expect(files.some((f) => f.includes('.build-id'))).toBe(false);
    expect((await runTool('rpm', ['-qpR', rpm])).stdout).toContain('glibc >= 2.28');
    const scripts = (await runTool('rpm', ['-qp', '--scripts', rpm])).stdout;
    expect(scripts).toContain('/usr/lib/patchwave/write-config');
    expect(scripts.match(/\[ -d \/run\/systemd\/system \]/g)).toHaveLength(3);
  });

  it('installs into a scratch --root, runs from there, and erases cleanly', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'patchwave-rpm-root-'));
    try {
      await runTool('rpm', ['--root', root, '--initdb']);
      // --noscripts: the scriptlets run chrooted into the root, which has no /bin/sh; they are the
      // same write-config and guards the .deb test above runs for real.
      await runTool('rpm', ['-i', '--root', root, '--nodeps', '--noscripts', rpm]);
      expect((await runTool('rpm', ['-q', '--root', root, 'patchwave-agent'])).stdout.trim()).toBe(`patchwave-agent-${VERSION}-1.x86_64`);
      expect(await mode(path.join(root, 'usr/bin/patchwave-agent'))).toBe(0o755);
      expect((await runTool(path.join(root, 'usr/bin/patchwave-agent'), ['--version'])).stdout).toBe(`${VERSION}\n`);
      const verify = await runTool('rpm', ['-V', '--root', root, '--nodeps', '--noscripts', 'patchwave-agent'], { okCodes: [0] });
      expect(verify.stdout).toBe('');
      await runTool('rpm', ['-e', '--root', root, '--nodeps', '--noscripts', 'patchwave-agent']);
      expect(await exists(path.join(root, 'usr/bin/patchwave-agent'))).toBe(false);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  }, 120_000);
});
