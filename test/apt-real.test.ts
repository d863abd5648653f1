import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecaCommandRunner } from '../agent/src/exec/index.js';
import type { CommandRunner, CommandSpec } from '../agent/src/exec/index.js';
import { silentLogger } from '../agent/src/log/logger.js';
import { AptPackageManager } from '../agent/src/pkg/apt/index.js';
import { probeHost } from '../agent/src/pkg/host-probe.js';
import { dpkgState, LocalAptRepo } from './support/apt-local-repo.js';

const run = promisify(execFile);

/** The real runner, recording every command line so the test can show and check what ran. */
class RecordingRunner implements CommandRunner {
  readonly lines: string[] = [];
  private readonly inner = new ExecaCommandRunner();
  run(spec: CommandSpec) {
    this.lines.push([...Object.entries(spec.env ?? {}).filter(([k]) => k === 'DEBIAN_FRONTEND').map(([k, v]) => `${k}=${v}`), spec.command, ...spec.args].join(' '));
    return this.inner.run(spec);
  }
}

const show = (label: string, value: unknown) => console.log(`[apt-real] ${label}:`, JSON.stringify(value, null, 2));

if (process.getuid?.() !== 0) {
  throw new Error('the real apt tests install packages with dpkg and must run as root (run the suite as root, e.g. in the CI container)');
}

describe('apt adapter against real apt and dpkg', () => {
  let repo: LocalAptRepo;
  let runner: RecordingRunner;
  let apt: AptPackageManager;
  const app = LocalAptRepo.uniqueName('app');
  const broken = LocalAptRepo.uniqueName('broken');
  const blocker = LocalAptRepo.uniqueName('blocker');

  beforeAll(async () => {
    repo = await LocalAptRepo.create();
    const fifoDir = path.join(repo.dir, 'fifo');
    await fs.mkdir(fifoDir);
    await run('mkfifo', [path.join(fifoDir, 'started'), path.join(fifoDir, 'release')]);
    await repo.add({ name: app, version: '1.0', suite: 'updates' });
    await repo.add({ name: app, version: '1.1', suite: 'security' });
    await repo.add({ name: broken, version: '1.0', suite: 'updates' });
    await repo.add({ name: broken, version: '1.1', suite: 'updates', postinst: 'echo "patchwave test: failing on purpose" >&2\nexit 1' });
    // Holds apt's lock from inside its own postinst until the test releases it.
    await repo.add({
      name: blocker,
      version: '1.0',
      suite: 'updates',
      postinst: `if [ "$1" = configure ]; then echo started > ${path.join(fifoDir, 'started')}; read go < ${path.join(fifoDir, 'release')}; fi`,
    });
    await repo.publish();
    await repo.install([`${app}=1.0`, `${broken}=1.0`]);
    runner = new RecordingRunner();
    apt = new AptPackageManager({ exec: runner, log: silentLogger(), host: await probeHost(), local: { aptOptions: repo.options } });
  }, 180_000);

  afterAll(async () => {
    if (!repo) return;
    const purged = await repo.dispose();
    show('purged at the end', purged);
    for (const name of [app, broken, blocker]) expect(await dpkgState(name)).toBeUndefined();
    const audit = await run('dpkg', ['--audit']);
    expect(audit.stdout).toBe('');
  }, 180_000);

  it('lists the installed test packages like dpkg-query does', async () => {
    const installed = await apt.listInstalled();
    const { stdout } = await run('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n']);
    expect(installed.length).toBe(stdout.split('\n').filter((l) => /^[ih]i/.test(l)).length);
    expect(installed.find((p) => p.name === app)).toEqual({ manager: 'apt', name: app, version: '1.0', arch: 'all', source: { name: app, version: '1.0' } });
    expect(await apt.version()).toMatch(/^\d+\.\d+/);
  });

  it('sees 1.1 as an update, security only where it comes from the -security suite', async () => {
    const updates = await apt.listUpdates();
    show('listUpdates', updates);
    expect(updates.find((u) => u.name === app)).toEqual({
      manager: 'apt',
      name: app,
      arch: 'all',
      installedVersion: '1.0',
      candidateVersion: '1.1',
      security: true,
      advisories: [],
      cves: [],
      origin: 'Patchwave-Test:1.0/patchwave-test-security',
    });
    expect(updates.find((u) => u.name === broken)).toMatchObject({ candidateVersion: '1.1', security: false, origin: 'Patchwave-Test:1.0/patchwave-test-updates' });
  });

  it('plans security updates only, pinned to the simulated version, and names what it cannot do', async () => {
    const plan = await apt.plan({ securityOnly: true, packages: [{ name: 'patchwave-test-no-such-package' }] });
    show('plan (security only + an unknown name)', plan);
    expect(plan.targets).toEqual([`${app}=1.1`]);
    expect(plan.changes).toEqual([{ kind: 'upgrade', name: app, arch: 'all', from: '1.0', to: '1.1' }]);
    expect(plan.unresolved).toEqual([
      { name: 'patchwave-test-no-such-package', code: 'E_PKG_NOT_FOUND', message: 'Unable to locate package patchwave-test-no-such-package' },
    ]);
  });

  it('applies the update with the exact apt-get command and reads 1.1 back', async () => {
    const plan = await apt.plan({ packages: [{ name: app }] });
    const result = await apt.apply(plan, { timeoutMs: 180_000 });
    show('apply result', { ...result, outputTail: result.outputTail.split('\n').slice(-6) });
    const command = runner.lines.find((l) => l.includes(' install -y '));
    console.log(`[apt-real] apply ran: ${command}`);
    expect(command).toBe(
      `DEBIAN_FRONTEND=noninteractive apt-get install -y -q --only-upgrade -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -o Dpkg::Use-Pty=0 -o APT::Status-Fd=3 ${repo.aptArgs().join(' ')} -- ${app}=1.1`,
    );
    expect(result).toMatchObject({ manager: 'apt', ok: true, exitCode: 0 });
    expect(result.packages).toEqual([{ name: app, arch: 'all', requested: '1.1', before: '1.0', after: '1.1', ok: true }]);
    expect(await dpkgState(app)).toEqual({ status: 'ii ', version: '1.1' });
  });

  it('rolls back to 1.0 with --allow-downgrades', async () => {
    const result = await apt.rollback([{ name: app, version: '1.0' }], { timeoutMs: 180_000 });
    show('rollback result', { ...result, outputTail: result.outputTail.split('\n').slice(-4) });
    expect(runner.lines.some((l) => l.includes('--allow-downgrades') && l.endsWith(`-- ${app}=1.0`))).toBe(true);
    expect(result.ok).toBe(true);
    expect(result.packages).toEqual([{ name: app, arch: 'all', requested: '1.0', before: '1.1', after: '1.0', ok: true }]);
    expect(await dpkgState(app)).toEqual({ status: 'ii ', version: '1.0' });
  });

  it('reports a failing postinst as half-configured with the dpkg error line, then the package is purged', async () => {
    const plan = await apt.plan({ packages: [{ name: broken }] });
    const result = await apt.apply(plan, { timeoutMs: 180_000 });
    show('apply result (failing postinst)', { ...result, outputTail: result.outputTail.split('\n').slice(-8) });
    expect(result).toMatchObject({ ok: false, exitCode: 100, errorCode: 'E_PKG_HALF_CONFIGURED' });
    expect(result.packages).toEqual([
      {
        name: broken,
        arch: 'all',
        requested: '1.1',
        before: '1.0',
        after: '1.1',
        ok: false,
        errorCode: 'E_PKG_HALF_CONFIGURED',
        message: `dpkg: error processing package ${broken} (--configure): installed ${broken} package post-installation script subprocess returned error exit status 1 (package is half-configured)`,
      },
    ]);
    expect(result.outputTail).toContain(`dpkg: error processing package ${broken} (--configure):`);
    expect(result.outputTail).toContain('patchwave test: failing on purpose');
    expect(await dpkgState(broken)).toEqual({ status: 'iF ', version: '1.1' });
    const audit = await run('dpkg', ['--audit']);
    expect(audit.stdout).toContain(broken);
    await run('dpkg', ['--purge', '--', broken]);
    expect(await dpkgState(broken)).toBeUndefined();
  });

  it('gives E_PKG_LOCKED while another apt-get holds the dpkg lock, and changes nothing', async () => {
    const fifoDir = path.join(repo.dir, 'fifo');
    const holder = spawn('apt-get', ['install', '-y', '-q', ...repo.aptArgs(), '--', `${blocker}=1.0`], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => holder.on('exit', (code) => resolve(code)));
    // The blocker's postinst writes to `started` once apt holds the lock and dpkg is configuring it.
    const started = await Promise.race([
      fs.readFile(path.join(fifoDir, 'started'), 'utf8'),
      exited.then((code) => {
        throw new Error(`apt-get installing the blocker exited (${code}) before its postinst ran`);
      }),
    ]);
    expect(started.trim()).toBe('started');
    try {
      const plan = { manager: 'apt' as const, selection: {}, changes: [], unresolved: [], notes: [], targets: [`${app}=1.1`] };
      const result = await apt.apply(plan, { timeoutMs: 60_000 });
      show('apply result (lock held)', result);
      expect(result).toMatchObject({ ok: false, exitCode: 100, errorCode: 'E_PKG_LOCKED' });
      expect(result.outputTail).toMatch(/Could not get lock \/var\/lib\/dpkg\/lock-frontend/);
      expect(result.packages).toEqual([
        expect.objectContaining({ name: app, before: '1.0', after: '1.0', ok: false, errorCode: 'E_PKG_LOCKED' }),
      ]);
    } finally {
      await fs.writeFile(path.join(fifoDir, 'release'), 'go\n');
    }
    expect(await exited).toBe(0);
    expect(await dpkgState(blocker)).toEqual({ status: 'ii ', version: '1.0' });
  });

  it('rejects hostile names before any process runs', async () => {
    const before = runner.lines.length;
    for (const name of ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar']) {
      await expect(apt.plan({ packages: [{ name }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(apt.rollback([{ name, version: '1.0' }], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
    }
    expect(runner.lines.length).toBe(before);
  });
});
