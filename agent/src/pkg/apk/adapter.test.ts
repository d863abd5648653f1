import { readFileSync } from 'node:fs';
import { PatchwaveError } from '@patchwave/shared';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import type { HostDescription } from '../host.js';
import type { Plan } from '../package-manager.js';
import { apkModule } from './index.js';

/*
 * End to end through ReplayCommandRunner. Outputs come from the captures in ./fixtures (the
 * Alpine 3.20 `apk list --installed`, the `apk version` capture, and the apk-tools solver tests'
 * exact `--simulate` output). Where a scenario needs an `apk list --installed` line for the solver
 * tests' packages (a, b, …), it is built here in apk's documented format
 * `name-version arch {origin} (license) [installed]` (apk-list(8), src/app_list.c).
 */

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const solver = (name: string) => {
  const block = fixture('apk-upgrade-simulate.solver-tests.txt').split(/^===== /m).find((b) => b.startsWith(`test/solver/${name}.test`));
  return (block ?? '').split(/^@EXPECT\n/m)[1] ?? '';
};
const listLine = (name: string, version: string) => `${name}-${version} x86_64 {${name}} (MIT) [installed]`;
const installed = (...pkgs: [string, string][]) => `${fixture('apk-list-installed.alpine3.20.txt')}${pkgs.map(([n, v]) => listLine(n, v)).join('\n')}\n`;

const host: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'alpine' }, executables: new Set(['apk']), uid: 0 };
const log = pino({ level: 'silent' });
const cmd = (...args: string[]) => ({ command: 'apk', args });
const LIST = cmd('list', '--installed');
const VERSION = cmd('version', '-l', '<');

function adapter(replays: Replay[]) {
  const exec = new ReplayCommandRunner(replays);
  return { exec, pm: apkModule.factory.create({ exec, log, host }) };
}

const HOSTILE = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', '$(id)'];

describe('apk detection', () => {
  it('is a pure function of the host description', () => {
    expect(apkModule.factory.detect(host)).toBe(true);
    expect(apkModule.factory.detect({ ...host, executables: new Set(['apt-get']) })).toBe(false);
    expect(apkModule.factory.detect({ ...host, platform: 'darwin' })).toBe(false);
  });
});

describe('ApkPackageManager', () => {
  it('reports its version, installed packages and updates', async () => {
    const { exec, pm } = adapter([
      { match: cmd('--version'), stdout: 'apk-tools 2.14.4, compiled for x86_64.\n' },
      { match: LIST, stdout: installed(['nrpe', '2.14-r2']) },
      { match: VERSION, stdout: fixture('apk-version.txt') },
    ]);
    expect(await pm.version()).toBe('2.14.4');
    expect((await pm.listInstalled()).map((p) => p.name)).toEqual(['alpine-baselayout', 'alpine-baselayout-data', 'ca-certificates-bundle', 'nrpe']);
    const updates = await pm.listUpdates();
    expect(updates.map((u) => [u.name, u.arch, u.installedVersion, u.candidateVersion, u.security])).toEqual([
      ['libcrypto1.0', '', '1.0.1q-r0', '1.0.2m-r0', 'unknown'],
      ['libssl1.0', '', '1.0.1q-r0', '1.0.2m-r0', 'unknown'],
      ['nrpe', 'x86_64', '2.14-r2', '2.15-r5', 'unknown'],
    ]);
    expect(exec.lines()).toEqual(['apk --version', 'apk list --installed', 'apk list --installed', 'apk version -l <']);
  });

  it('fails with E_PKG_PARSE_FAILED when apk list prints nothing it can read', async () => {
    const { pm } = adapter([{ match: LIST, stdout: 'Segmentation fault\n' }]);
    await expect(pm.listInstalled()).rejects.toMatchObject({ code: 'E_PKG_PARSE_FAILED' });
  });

  it('plans named packages with apk add --simulate -u and applies them with apk add -u', async () => {
    const { exec, pm } = adapter([
      { match: LIST, stdout: installed(['a', '1'], ['b', '1']), once: true },
      { match: VERSION, stdout: 'Installed:                                Available:\na-1                                     < 2\nb-1                                     < 2\n' },
      { match: cmd('add', '--simulate', '-u', '--no-progress', '--', 'a'), stdout: solver('basic17') },
      { match: LIST, stdout: installed(['a', '1'], ['b', '1']), once: true },
      { match: cmd('add', '-u', '--no-progress', '--', 'a'), stdout: solver('basic17') },
      { match: LIST, stdout: installed(['a', '2'], ['b', '2']) },
    ]);
    const plan = await pm.plan({ packages: [{ name: 'a' }] });
    expect(plan.changes).toEqual([
      { kind: 'upgrade', name: 'b', arch: 'x86_64', from: '1', to: '2' },
      { kind: 'upgrade', name: 'a', arch: 'x86_64', from: '1', to: '2' },
    ]);
    expect(plan.targets).toEqual(['a']);
    expect(plan.unresolved).toEqual([]);
    const result = await pm.apply(plan, { timeoutMs: 60_000 });
    expect(result).toMatchObject({ manager: 'apk', ok: true, exitCode: 0, rebootRequired: false });
    expect(result.packages).toEqual([
      { name: 'b', arch: 'x86_64', requested: '2', before: '1', after: '2', ok: true },
      { name: 'a', arch: 'x86_64', requested: '2', before: '1', after: '2', ok: true },
    ]);
    expect(result.outputTail).toContain('OK: 2 B in 2 packages');
    expect(exec.lines()).toEqual([
      'apk list --installed',
      'apk version -l <',
      'apk add --simulate -u --no-progress -- a',
      'apk list --installed',
      'apk add -u --no-progress -- a',
      'apk list --installed',
    ]);
    expect(exec.calls.find((c) => c.args[0] === 'add' && c.args[1] === '-u')?.timeoutMs).toBe(60_000);
  });

  it('plans everything with apk upgrade --simulate and applies it with apk upgrade', async () => {
    const { exec, pm } = adapter([
      { match: LIST, stdout: installed(['app', '1'], ['libold', '1']), once: true },
      { match: cmd('upgrade', '--simulate', '--no-progress'), stdout: solver('upgrade1') },
      { match: LIST, stdout: installed(['app', '1'], ['libold', '1']), once: true },
      { match: cmd('upgrade', '--no-progress'), stdout: solver('upgrade1') },
      { match: LIST, stdout: installed(['app', '2'], ['libnew', '1']) },
    ]);
    const plan = await pm.plan({ all: true });
    expect(plan.changes.map((c) => [c.kind, c.name, c.from, c.to])).toEqual([
      ['remove', 'libold', '1', null],
      ['install', 'libnew', null, '1'],
      ['upgrade', 'app', '1', '2'],
    ]);
    const result = await pm.apply(plan, { timeoutMs: 60_000 });
    expect(result.ok).toBe(true);
    expect(result.packages.map((p) => [p.name, p.before, p.after, p.ok])).toEqual([
      ['libold', '1', null, true],
      ['libnew', null, '1', true],
      ['app', '1', '2', true],
    ]);
    expect(exec.lines()).toContain('apk upgrade --no-progress');
  });

  it('selects nothing for security-only and refuses advisories and chosen versions, saying why', async () => {
    const quiet = adapter([]);
    const security = await quiet.pm.plan({ securityOnly: true, advisories: ['ALPINE-13661'] });
    expect(security.changes).toEqual([]);
    expect(security.notes[0]).toMatch(/no security metadata/);
    expect(security.unresolved).toEqual([{ name: 'ALPINE-13661', code: 'E_NOT_SUPPORTED', message: 'apk has no advisory metadata: select packages instead' }]);
    expect(quiet.exec.calls).toEqual([]);

    const { exec, pm } = adapter([
      { match: LIST, stdout: installed(['a', '1'], ['b', '2']) },
      { match: VERSION, stdout: 'Installed:                                Available:\na-1                                     < 2\n' },
    ]);
    const plan = await pm.plan({ packages: [{ name: 'a', version: '1.5' }, { name: 'b', arch: 'aarch64' }] });
    expect(plan.unresolved.map((u) => [u.name, u.code])).toEqual([
      ['a', 'E_NOT_SUPPORTED'],
      ['b', 'E_PKG_NOT_FOUND'],
    ]);
    expect(plan.targets).toEqual([]);
    expect(exec.lines()).toEqual(['apk list --installed', 'apk version -l <']);
  });

  it('reports a package that is not in any repository as unresolved E_PKG_NOT_FOUND', async () => {
    const { pm } = adapter([
      { match: LIST, stdout: installed(['a', '1']) },
      { match: VERSION, stdout: 'Installed:                                Available:\n' },
      {
        match: cmd('add', '--simulate', '-u', '--no-progress', '--', 'nosuch', 'a'),
        exitCode: 1,
        stderr: 'ERROR: unable to select packages:\n  nosuch (no such package):\n    required by: world[nosuch]\n',
      },
    ]);
    const plan = await pm.plan({ packages: [{ name: 'nosuch' }, { name: 'a' }] });
    expect(plan.unresolved.map((u) => [u.name, u.code])).toEqual([
      ['nosuch', 'E_PKG_NOT_FOUND'],
      ['a', 'E_PKG_NO_UPDATE'],
    ]);
    expect(plan.targets).toEqual([]);
  });

  const failing = (replay: Partial<Replay>, after: string): Replay[] => [
    { match: LIST, stdout: installed(['busybox', '1.36.1-r28']), once: true },
    { match: cmd('add', '-u', '--no-progress', '--', 'busybox'), ...replay },
    { match: LIST, stdout: installed(['busybox', after]) },
  ];
  const busyboxPlan: Plan = {
    manager: 'apk',
    selection: { packages: [{ name: 'busybox' }] },
    changes: [{ kind: 'upgrade', name: 'busybox', arch: 'x86_64', from: '1.36.1-r28', to: '1.36.1-r29' }],
    unresolved: [],
    notes: [],
    targets: ['busybox'],
  };

  it.each([
    ['a held database lock', { exitCode: 99, stderr: 'ERROR: Unable to lock database: Resource temporarily unavailable\nERROR: Failed to open apk database: Resource temporarily unavailable\n' }, '1.36.1-r28', 'E_PKG_LOCKED'],
    ['a failing post-upgrade script', { exitCode: 1, stdout: '(1/1) Upgrading busybox (1.36.1-r28 -> 1.36.1-r29)\nERROR: busybox-1.36.1-r29.post-upgrade: script exited with error 127\n1 error; 13 MiB in 25 packages\n' }, '1.36.1-r29', 'E_PKG_SCRIPT_FAILED'],
    ['a network failure', { exitCode: 1, stdout: '(1/1) Upgrading busybox (1.36.1-r28 -> 1.36.1-r29)\nERROR: busybox-1.36.1-r29: network error (check Internet connection and firewall)\n1 error; 13 MiB in 25 packages\n' }, '1.36.1-r28', 'E_PKG_DOWNLOAD_FAILED'],
    ['a timeout', { timedOut: true }, '1.36.1-r28', 'E_PKG_TIMEOUT'],
  ] as const)('maps %s to a failed result with the right code', async (_what, replay, after, code) => {
    const { pm } = adapter(failing(replay, after));
    const result = await pm.apply(busyboxPlan, { timeoutMs: 1000 });
    expect(result.ok).toBe(false);
    expect(result.errorCode).toBe(code);
    expect(result.packages[0]).toMatchObject({ name: 'busybox', before: '1.36.1-r28', after, ok: false, errorCode: code });
  });

  it('says a reboot is needed after a kernel upgrade and when the running kernel is older', async () => {
    const { pm } = adapter([
      { match: LIST, stdout: installed(['linux-lts', '6.6.31-r0']), once: true },
      { match: cmd('add', '-u', '--no-progress', '--', 'linux-lts'), stdout: '(1/1) Upgrading linux-lts (6.6.31-r0 -> 6.6.32-r0)\nOK: 200 MiB in 40 packages\n' },
      { match: LIST, stdout: installed(['linux-lts', '6.6.32-r0']) },
      { match: { command: 'uname', args: ['-r'] }, stdout: '6.6.31-0-lts\n' },
    ]);
    const plan: Plan = { ...busyboxPlan, changes: [{ kind: 'upgrade', name: 'linux-lts', arch: 'x86_64', from: '6.6.31-r0', to: '6.6.32-r0' }], targets: ['linux-lts'] };
    const result = await pm.apply(plan, { timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: true, rebootRequired: true });
    expect(await pm.rebootRequired()).toEqual({
      required: true,
      reasons: ['running kernel 6.6.31-0-lts but linux-lts 6.6.32-r0 (6.6.32-0-lts) is installed'],
      packages: ['linux'],
    });
  });

  it('declares that it cannot roll back and returns E_ROLLBACK_UNSUPPORTED without running anything', async () => {
    const { exec, pm } = adapter([]);
    expect(pm.capabilities).toMatchObject({ canRollback: false, canPinVersion: false, knowsSecurity: false, detectsReboot: true });
    const result = await pm.rollback([{ name: 'busybox', version: '1.36.1-r28' }], { timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, errorCode: 'E_ROLLBACK_UNSUPPORTED' });
    expect(result.packages[0]?.errorCode).toBe('E_ROLLBACK_UNSUPPORTED');
    expect(exec.calls).toEqual([]);
  });

  it.each(HOSTILE)('rejects the hostile name %j with E_INVALID_PACKAGE_NAME before any process starts', async (name) => {
    const { exec, pm } = adapter([]);
    const rejected = (p: Promise<unknown>) => expect(p).rejects.toSatisfy((e) => e instanceof PatchwaveError && e.code === 'E_INVALID_PACKAGE_NAME');
    await rejected(pm.plan({ packages: [{ name }] }));
    await rejected(pm.plan({ packages: [{ name: 'busybox', version: name }] }));
    await rejected(pm.apply({ ...busyboxPlan, targets: [name] }, { timeoutMs: 1000 }));
    await rejected(pm.rollback([{ name, version: '1' }], { timeoutMs: 1000 }));
    expect(exec.calls).toEqual([]);
  });
});
