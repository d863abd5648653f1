import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import { silentLogger } from '../../log/logger.js';
import { MemoryHostFiles } from '../host-files.js';
import type { HostDescription } from '../host.js';
import { AptPackageManager } from './adapter.js';
import { DPKG_QUERY_FORMAT } from './parse-dpkg-query.js';
import { aptModule, detectApt } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const debian: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'debian' }, executables: new Set(['apt-get', 'dpkg-query', 'dpkg']) };
const FORMAT = `-f=${DPKG_QUERY_FORMAT}`;
const INSTALL = ['install', '-y', '-q', '--only-upgrade', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', '-o', 'Dpkg::Use-Pty=0', '-o', 'APT::Status-Fd=3'];
const noReboot: Replay[] = [{ match: { command: 'dpkg-query', args: ['-W', FORMAT, '--', 'linux-image-*'] }, exitCode: 1, stderr: 'dpkg-query: no packages found matching linux-image-*\n' }];

function adapter(replays: Replay[], extra: Partial<ConstructorParameters<typeof AptPackageManager>[0]> = {}) {
  const exec = new ReplayCommandRunner(replays);
  const apt = new AptPackageManager({ exec, log: silentLogger(), host: debian, files: new MemoryHostFiles({}), kernelRelease: () => '6.1.0-18-amd64', ...extra });
  return { apt, exec };
}

describe('detectApt', () => {
  it('wants apt-get and dpkg-query on Linux', () => {
    expect(detectApt(debian)).toBe(true);
    expect(aptModule.factory.detect({ ...debian, executables: new Set(['dpkg-query']) })).toBe(false);
    expect(detectApt({ ...debian, platform: 'darwin' })).toBe(false);
    expect(aptModule.factory.name).toBe('apt');
  });
});

describe('AptPackageManager argument safety', () => {
  const hostile = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', 'Foo', 'a', 'foo=1.0', 'foo bar', ''];

  it.each(hostile)('rejects %j before any process runs', async (name) => {
    const { apt, exec } = adapter([]);
    await expect(apt.plan({ packages: [{ name }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
    await expect(apt.rollback([{ name, version: '1.0' }], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
    const plan = { manager: 'apt' as const, selection: {}, changes: [], unresolved: [], notes: [], targets: [`${name}=1.0`] };
    await expect(apt.apply(plan, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
    expect(exec.calls).toEqual([]);
  });

  it('rejects hostile versions and architectures too', async () => {
    const { apt, exec } = adapter([]);
    await expect(apt.plan({ packages: [{ name: 'jq', version: '1.0 --allow-downgrades' }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
    await expect(apt.plan({ packages: [{ name: 'jq', version: '-1' }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
    await expect(apt.plan({ packages: [{ name: 'jq', arch: '--x' }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
    const plan = { manager: 'apt' as const, selection: {}, changes: [], unresolved: [], notes: [], targets: ['jq'] };
    await expect(apt.apply(plan, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
    expect(exec.calls).toEqual([]);
  });

  it('refuses extra apt options that are not Key=Value', () => {
    expect(() => adapter([], { local: { aptOptions: ['--allow-unauthenticated'] } })).toThrow(/must look like Key::Sub=value/);
    expect(() => adapter([], { local: { aptOptions: ['A::B=1\nC=2'] } })).toThrow(/must look like/);
  });
});

describe('AptPackageManager against captured output', () => {
  it('lists installed packages with dpkg-query', async () => {
    const { apt, exec } = adapter([{ match: { command: 'dpkg-query', args: ['-W', FORMAT] }, stdout: fixture('dpkg-query-W-tsv.bookworm.tsv') }]);
    expect(await apt.listInstalled()).toHaveLength(825);
    expect(exec.lines()).toEqual([`dpkg-query -W ${FORMAT}`]);
  });

  it('lists updates with apt-get -s dist-upgrade, passing host-local -o settings', async () => {
    const { apt, exec } = adapter([{ match: /^apt-get -s/, stdout: fixture('apt-get-s-dist-upgrade.bookworm.txt') }], { local: { aptOptions: ['Acquire::http::Proxy=http://proxy:3128'] } });
    const updates = await apt.listUpdates();
    expect(updates).toHaveLength(121);
    expect(updates.filter((u) => u.security === true)).toHaveLength(74);
    expect(exec.calls[0]?.args).toEqual(['-s', '-o', 'Acquire::http::Proxy=http://proxy:3128', 'dist-upgrade']);
  });

  it('plans: drops what apt cannot find, simulates the rest again, pins the simulated versions', async () => {
    const { apt, exec } = adapter([
      { match: { command: 'dpkg', args: ['--print-architecture'] }, stdout: 'amd64\n' },
      {
        match: { command: 'apt-get', args: ['-s', 'install', '--only-upgrade', '--', 'jq', 'definitely-not-a-package'] },
        exitCode: 100,
        stdout: 'Reading package lists...\nBuilding dependency tree...\nReading state information...\n',
        stderr: 'E: Unable to locate package definitely-not-a-package\n',
      },
      { match: { command: 'apt-get', args: ['-s', 'install', '--only-upgrade', '--', 'jq'] }, stdout: fixture('apt-get-s-install-only-upgrade-jq.bookworm.txt') },
    ]);
    const plan = await apt.plan({ packages: [{ name: 'jq' }, { name: 'definitely-not-a-package' }], advisories: ['DSA-5555-1'] });
    expect(plan).toEqual({
      manager: 'apt',
      selection: { packages: [{ name: 'jq' }, { name: 'definitely-not-a-package' }], advisories: ['DSA-5555-1'] },
      changes: [
        { kind: 'upgrade', name: 'jq', arch: 'amd64', from: '1.6-2.1+deb12u1', to: '1.6-2.1+deb12u3' },
        { kind: 'upgrade', name: 'libjq1', arch: 'amd64', from: '1.6-2.1+deb12u1', to: '1.6-2.1+deb12u3' },
      ],
      unresolved: [
        { name: 'DSA-5555-1', code: 'E_NOT_SUPPORTED', message: 'apt has no advisory metadata: select packages or security updates instead' },
        { name: 'definitely-not-a-package', code: 'E_PKG_NOT_FOUND', message: 'Unable to locate package definitely-not-a-package' },
      ],
      notes: [],
      targets: ['jq=1.6-2.1+deb12u3'],
    });
    expect(exec.lines()).toHaveLength(3);
  });

  it('plans security updates only from the dist-upgrade simulation', async () => {
    const { apt, exec } = adapter([
      { match: { command: 'dpkg', args: ['--print-architecture'] }, stdout: 'amd64\n' },
      { match: { command: 'apt-get', args: ['-s', 'dist-upgrade'] }, stdout: fixture('apt-get-s-dist-upgrade.bookworm.txt') },
      { match: /^apt-get -s install --only-upgrade -- /, stdout: fixture('apt-get-s-dist-upgrade.bookworm.txt') },
    ]);
    const plan = await apt.plan({ securityOnly: true });
    expect(plan.targets).toHaveLength(74);
    expect(plan.targets).toContain('jq=1.6-2.1+deb12u3');
    expect(plan.targets).not.toContain('base-files=12.4+deb12u15');
    expect(exec.calls[2]?.args.slice(4)).toHaveLength(74);
    expect(exec.calls[2]?.args.slice(4).every((t) => /^[a-z0-9][a-z0-9+.-]+=\S+$/.test(t))).toBe(true);
  });

  it('applies with the exact command and reports a failing postinst as half-configured', async () => {
    const name = 'patchwave-test-capture-broken';
    const { apt, exec } = adapter([
      // before: the 1.0 that the capture's setup installed (dpkg-query line in the same format)
      { match: { command: 'dpkg-query', args: ['-W', FORMAT, '--', name] }, stdout: `${name}\t1.0\tall\tii \t${name}\t1.0\n`, once: true },
      {
        match: { command: 'apt-get', args: [...INSTALL, '--', `${name}=1.1`] },
        exitCode: 100,
        stdout: fixture('apt-get-install-postinst-fails.local-repo.bookworm.stdout.txt'),
        stderr: fixture('apt-get-install-postinst-fails.local-repo.bookworm.stderr.txt'),
        status: fixture('apt-get-install-postinst-fails.local-repo.bookworm.status.txt'),
      },
      { match: { command: 'dpkg-query', args: ['-W', FORMAT, '--', name] }, exitCode: 0, stdout: fixture('dpkg-query-half-configured.local-repo.bookworm.tsv') },
      { match: { command: 'dpkg', args: ['--audit'] }, stdout: fixture('dpkg-audit-half-configured.local-repo.bookworm.txt') },
      ...noReboot,
    ]);
    const plan = { manager: 'apt' as const, selection: {}, changes: [], unresolved: [], notes: [], targets: [`${name}=1.1`] };
    const result = await apt.apply(plan, { timeoutMs: 600_000 });
    const applied = exec.calls[1];
    expect(applied).toMatchObject({ statusFd: true, timeoutMs: 600_000, env: expect.objectContaining({ DEBIAN_FRONTEND: 'noninteractive' }) });
    expect([applied?.command, ...(applied?.args ?? [])].join(' ')).toBe(
      `apt-get install -y -q --only-upgrade -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -o Dpkg::Use-Pty=0 -o APT::Status-Fd=3 -- ${name}=1.1`,
    );
    expect(result).toMatchObject({ manager: 'apt', ok: false, exitCode: 100, errorCode: 'E_PKG_HALF_CONFIGURED', rebootRequired: false });
    expect(result.packages).toEqual([
      {
        name,
        arch: 'all',
        requested: '1.1',
        before: '1.0',
        after: '1.1',
        ok: false,
        errorCode: 'E_PKG_HALF_CONFIGURED',
        message: `dpkg: error processing package ${name} (--configure): installed ${name} package post-installation script subprocess returned error exit status 1 (package is half-configured)`,
      },
    ]);
    expect(result.outputTail).toContain('patchwave test: failing on purpose');
  });

  it('reports a held lock as E_PKG_LOCKED and leaves the version as it was', async () => {
    const line = 'jq\t1.6-2.1+deb12u1\tamd64\tii \tjq\t1.6-2.1+deb12u1\n';
    const { apt } = adapter([
      { match: { command: 'dpkg-query', args: ['-W', FORMAT, '--', 'jq'] }, stdout: line },
      { match: /^apt-get install /, exitCode: 100, stderr: fixture('apt-get-install-locked.bookworm.stderr.txt') },
      { match: { command: 'dpkg', args: ['--audit'] }, stdout: '' },
      ...noReboot,
    ]);
    const plan = { manager: 'apt' as const, selection: {}, changes: [], unresolved: [], notes: [], targets: ['jq=1.6-2.1+deb12u3'] };
    const result = await apt.apply(plan, { timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, errorCode: 'E_PKG_LOCKED' });
    expect(result.packages[0]).toMatchObject({ before: '1.6-2.1+deb12u1', after: '1.6-2.1+deb12u1', ok: false, errorCode: 'E_PKG_LOCKED' });
    expect(result.packages[0]?.message).toMatch(/^Could not get lock \/var\/lib\/dpkg\/lock-frontend\. It is held by process \d+ \(python3\)$/);
  });

  it('reports a timeout as E_PKG_TIMEOUT', async () => {
    const line = 'jq\t1.6-2.1+deb12u1\tamd64\tii \tjq\t1.6-2.1+deb12u1\n';
    const { apt } = adapter([
      { match: { command: 'dpkg-query', args: ['-W', FORMAT, '--', 'jq'] }, stdout: line },
      { match: /^apt-get install /, timedOut: true },
      { match: { command: 'dpkg', args: ['--audit'] }, stdout: '' },
      ...noReboot,
    ]);
    const plan = { manager: 'apt' as const, selection: {}, changes: [], unresolved: [], notes: [], targets: ['jq=1.6-2.1+deb12u3'] };
    const result = await apt.apply(plan, { timeoutMs: 5 });
    expect(result).toMatchObject({ ok: false, exitCode: null, errorCode: 'E_PKG_TIMEOUT' });
  });

  it('rolls back with --allow-downgrades and removes what was not installed before', async () => {
    const { apt, exec } = adapter([
      { match: /^dpkg-query -W/, stdout: '' , exitCode: 1 },
      { match: /^apt-get install /, stdout: '' },
      { match: { command: 'dpkg', args: ['--audit'] }, stdout: '' },
    ]);
    await apt.rollback([{ name: 'jq', version: '1.6-2.1+deb12u1' }, { name: 'libfoo', arch: 'i386', version: null }], { timeoutMs: 1000 });
    const call = exec.calls.find((c) => c.command === 'apt-get');
    expect(call?.args).toEqual([
      'install',
      '-y',
      '-q',
      '--allow-downgrades',
      '-o',
      'Dpkg::Options::=--force-confdef',
      '-o',
      'Dpkg::Options::=--force-confold',
      '-o',
      'Dpkg::Use-Pty=0',
      '-o',
      'APT::Status-Fd=3',
      '--',
      'jq=1.6-2.1+deb12u1',
      'libfoo:i386-',
    ]);
  });
});

describe('AptPackageManager.rebootRequired', () => {
  it('trusts Ubuntu’s marker file and names the packages', async () => {
    const { apt, exec } = adapter([], {
      files: new MemoryHostFiles({ '/var/run/reboot-required': '*** System restart required ***\n', '/var/run/reboot-required.pkgs': 'linux-image-6.8.0-45-generic\nlibc6\n' }),
    });
    expect(await apt.rebootRequired()).toEqual({
      required: true,
      reasons: ['/var/run/reboot-required exists: System restart required'],
      packages: ['linux-image-6.8.0-45-generic', 'libc6'],
    });
    expect(exec.calls).toEqual([]);
  });

  it('asks needrestart -b where it is installed', async () => {
    const { apt } = adapter(
      [{ match: { command: 'needrestart', args: ['-b'] }, stdout: 'NEEDRESTART-VER: 3.6\nNEEDRESTART-KCUR: 6.1.0-17-amd64\nNEEDRESTART-KEXP: 6.1.0-18-amd64\nNEEDRESTART-KSTA: 3\n' }],
      { host: { ...debian, executables: new Set([...debian.executables, 'needrestart']) } },
    );
    expect(await apt.rebootRequired()).toMatchObject({ required: true, reasons: ['needrestart: running kernel 6.1.0-17-amd64 but 6.1.0-18-amd64 is installed'] });
  });

  it('falls back from an undecided needrestart (container capture) to the kernel packages', async () => {
    const kernels = 'linux-image-6.1.0-17-amd64\t6.1.69-1\tamd64\tii \tlinux-signed-amd64\t6.1.69+1\nlinux-image-6.1.0-18-amd64\t6.1.76-1\tamd64\tii \tlinux-signed-amd64\t6.1.76+1\n';
    const { apt } = adapter(
      [
        { match: { command: 'needrestart', args: ['-b'] }, stdout: fixture('needrestart-b.batch.bookworm-container.txt') },
        { match: { command: 'dpkg-query', args: ['-W', FORMAT, '--', 'linux-image-*'] }, stdout: kernels },
      ],
      { host: { ...debian, executables: new Set([...debian.executables, 'needrestart']) }, kernelRelease: () => '6.1.0-17-amd64' },
    );
    const state = await apt.rebootRequired();
    expect(state.required).toBe(true);
    expect(state.reasons).toContain('running kernel 6.1.0-17-amd64 but 6.1.0-18-amd64 (6.1.76-1) is installed');
  });
});
