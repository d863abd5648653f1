import { readFileSync } from 'node:fs';
import { PatchwaveError } from '@patchwave/shared';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import type { HostDescription } from '../host.js';
import type { Plan } from '../package-manager.js';
import { ChocoPackageManager } from './adapter.js';
import { chocoModule } from './index.js';

/*
 * End to end through ReplayCommandRunner. `choco outdated` is served the real v0.9.10 capture in
 * ./fixtures and, for current versions, rows built here in choco's documented limited-output format
 * (`id|current|available|pinned`, `id|version`); choco cannot run on this machine.
 */

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const host: HostDescription = { platform: 'win32', arch: 'x64', osRelease: {}, executables: new Set(['choco']) };
const log = pino({ level: 'silent' });
const choco = (...args: string[]) => ({ command: 'choco', args });
const VERSION: Replay = { match: choco('--version'), stdout: '2.2.2\r\n' };
const LIST = choco('list', '-r');
const OUTDATED = choco('outdated', '-r', '--ignore-pinned');
const upgradeGit = (version: string) => choco('upgrade', 'git', '-y', '-r', '--no-progress', '--fail-on-not-installed', '--version', version);

function adapter(replays: Replay[], now?: () => number) {
  const exec = new ReplayCommandRunner(replays);
  const pm = now ? new ChocoPackageManager({ exec, log, host, now }) : chocoModule.factory.create({ exec, log, host });
  return { exec, pm };
}

const gitPlan: Plan = {
  manager: 'choco',
  selection: { packages: [{ name: 'git' }] },
  changes: [{ kind: 'upgrade', name: 'git', arch: '', from: '2.40.0', to: '2.41.0' }],
  unresolved: [],
  notes: [],
  targets: ['git@2.41.0'],
};

/** Installed list before (git 2.40.0) and after (`afterGit`, null = absent) an apply. */
const around = (afterGit: string | null, beforeGit: string | null = '2.40.0'): [Replay, Replay] => [
  { match: LIST, stdout: `chocolatey|2.2.2\r\n${beforeGit ? `git|${beforeGit}\r\n` : ''}`, once: true },
  { match: LIST, stdout: `chocolatey|2.2.2\r\n${afterGit ? `git|${afterGit}\r\n` : ''}`, exitCode: 0 },
];

const HOSTILE = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', '$(id)'];

describe('choco detection', () => {
  it('is a pure function of the host description', () => {
    expect(chocoModule.factory.detect(host)).toBe(true);
    expect(chocoModule.factory.detect({ ...host, platform: 'linux' })).toBe(false);
    expect(chocoModule.factory.detect({ ...host, executables: new Set(['winget']) })).toBe(false);
  });
});

describe('ChocoPackageManager', () => {
  it('lists with `choco list -r` on v2 and `--local-only` on v1', async () => {
    const v2 = adapter([VERSION, { match: LIST, stdout: 'chocolatey|2.2.2\r\ngit|2.40.0\r\n' }]);
    expect(await v2.pm.listInstalled()).toEqual([
      { manager: 'choco', name: 'chocolatey', version: '2.2.2', arch: '' },
      { manager: 'choco', name: 'git', version: '2.40.0', arch: '' },
    ]);
    expect(v2.exec.lines()).toEqual(['choco --version', 'choco list -r']);
    const v1 = adapter([{ match: choco('--version'), stdout: '1.4.0\r\n' }, { match: choco('list', '--local-only', '-r'), exitCode: 2 }]);
    expect(await v1.pm.listInstalled()).toEqual([]);
  });

  it('lists updates from `choco outdated` (exit 2 = outdated found), old versions included', async () => {
    const { pm } = adapter([{ match: OUTDATED, exitCode: 2, stdout: 'git|2.40.0|2.41.0|false\r\n' }]);
    expect((await pm.listUpdates()).map((u) => [u.name, u.installedVersion, u.candidateVersion, u.security])).toEqual([['git', '2.40.0', '2.41.0', 'unknown']]);
    const old = adapter([{ match: OUTDATED, stdout: fixture('choco-outdated.v0.9.10-beta1.issue457.txt') }]);
    expect(await old.pm.listUpdates()).toEqual([]);
  });

  it('plans from choco outdated and applies one pinned upgrade per package, reading back the result', async () => {
    const { exec, pm } = adapter([
      VERSION,
      { match: OUTDATED, exitCode: 2, stdout: 'git|2.40.0|2.41.0|false\r\n' },
      { match: LIST, stdout: 'chocolatey|2.2.2\r\ngit|2.40.0\r\n', once: true }, // plan
      ...around('2.41.0'), // apply: before and after
      { match: upgradeGit('2.41.0'), stdout: '' },
    ]);
    const plan = await pm.plan({ packages: [{ name: 'git' }, { name: 'chocolatey' }, { name: 'absent' }] });
    expect(plan.changes).toEqual(gitPlan.changes);
    expect(plan.unresolved.map((u) => [u.name, u.code])).toEqual([
      ['chocolatey', 'E_PKG_NO_UPDATE'],
      ['absent', 'E_PKG_NOT_FOUND'],
    ]);
    const result = await pm.apply(plan, { timeoutMs: 600_000 });
    expect(result).toMatchObject({ manager: 'choco', ok: true, exitCode: 0, rebootRequired: false });
    expect(result.packages).toEqual([{ name: 'git', arch: '', requested: '2.41.0', before: '2.40.0', after: '2.41.0', ok: true }]);
    expect(exec.lines().slice(-3)).toEqual([
      'choco list -r',
      'choco upgrade git -y -r --no-progress --fail-on-not-installed --version 2.41.0',
      'choco list -r',
    ]);
  });

  it.each([
    [3010, true],
    [1641, true],
  ])('treats exit %i as success with a reboot required', async (code, reboot) => {
    const { pm } = adapter([VERSION, ...around('2.41.0'), { match: upgradeGit('2.41.0'), exitCode: code }]);
    const result = await pm.apply(gitPlan, { timeoutMs: 600_000 });
    expect(result).toMatchObject({ ok: true, exitCode: code, rebootRequired: reboot });
    expect(await pm.rebootRequired()).toMatchObject({ required: true });
  });

  it.each([
    ['350 (pending reboot)', { exitCode: 350 }, '2.40.0', 'E_PKG_RETRY', true],
    ['1604 (suspended)', { exitCode: 1604 }, '2.40.0', 'E_PKG_FAILED', false],
    ['-1 with a lock message', { exitCode: 4294967295, stdout: "Unable to obtain lock file access on 'C:\\ProgramData\\chocolatey\\lib\\git'\r\n" }, '2.40.0', 'E_PKG_LOCKED', false],
    ['1 with an installer failure', { exitCode: 1, stdout: "ERROR: Running [\"C:\\x\\Git-2.41.0.exe\" /VERYSILENT] was not successful. Exit code was '1603'.\r\n" }, '2.40.0', 'E_PKG_SCRIPT_FAILED', false],
    ['0 while skipping a pinned package', { exitCode: 0, stdout: 'git is pinned. Skipping pinned package.\r\n' }, '2.40.0', 'E_PKG_CONFLICT', false],
    ['0 with nothing newer installed', { exitCode: 0 }, '2.40.0', 'E_PKG_NO_UPDATE', false],
    ['a timeout', { timedOut: true }, '2.40.0', 'E_PKG_TIMEOUT', false],
  ] as const)('maps exit %s to its error code', async (_what, replay, after, code, reboot) => {
    const { pm } = adapter([VERSION, ...around(after), { match: upgradeGit('2.41.0'), ...replay }]);
    const result = await pm.apply(gitPlan, { timeoutMs: 600_000 });
    expect(result).toMatchObject({ ok: false, errorCode: code, rebootRequired: reboot });
    expect(result.packages[0]).toMatchObject({ name: 'git', before: '2.40.0', after, ok: false, errorCode: code });
  });

  it('says E_PKG_NOT_FOUND when the package is absent before and after a failed upgrade', async () => {
    const { pm } = adapter([VERSION, ...around(null, null), { match: upgradeGit('2.41.0'), exitCode: 1 }]);
    const result = await pm.apply(gitPlan, { timeoutMs: 600_000 });
    expect(result.packages[0]).toMatchObject({ ok: false, errorCode: 'E_PKG_NOT_FOUND', before: null, after: null });
  });

  it('starts no package once the deadline has passed and reports it as E_PKG_TIMEOUT', async () => {
    let t = 0;
    const clock = () => t;
    const exec = new ReplayCommandRunner([VERSION, ...around('2.41.0')]);
    const runner = {
      calls: exec.calls,
      run: async (spec: Parameters<ReplayCommandRunner['run']>[0]) => {
        if (spec.args[0] === 'upgrade') {
          exec.calls.push(spec);
          t += 10_000; // the first upgrade uses up the whole budget
          return { command: spec.command, args: spec.args, exitCode: 0, stdout: '', stderr: '', status: '', durationMs: 10_000 };
        }
        return exec.run(spec);
      },
    };
    const pm = new ChocoPackageManager({ exec: runner, log, host, now: clock });
    const plan: Plan = { ...gitPlan, changes: [...gitPlan.changes, { kind: 'upgrade', name: '7zip', arch: '', from: '22.1', to: '23.1' }] };
    const result = await pm.apply(plan, { timeoutMs: 5_000 });
    expect(result.packages.map((p) => [p.name, p.ok, p.errorCode])).toEqual([
      ['git', true, undefined],
      ['7zip', false, 'E_PKG_TIMEOUT'],
    ]);
    expect(exec.calls.filter((c) => c.args[0] === 'upgrade')).toHaveLength(1);
  });

  it('rolls back with --allow-downgrade to the old version and uninstalls what was not installed', async () => {
    const { exec, pm } = adapter([
      VERSION,
      { match: LIST, stdout: 'git|2.41.0\r\nnewtool|1.0.0\r\n', once: true },
      { match: choco('upgrade', 'git', '-y', '-r', '--no-progress', '--version', '2.40.0', '--allow-downgrade'), stdout: '' },
      { match: choco('uninstall', 'newtool', '-y', '-r', '--no-progress'), stdout: '' },
      { match: LIST, stdout: 'git|2.40.0\r\n' },
    ]);
    const result = await pm.rollback([{ name: 'git', version: '2.40.0' }, { name: 'newtool', version: null }], { timeoutMs: 600_000 });
    expect(result.ok).toBe(true);
    expect(result.packages.map((p) => [p.name, p.before, p.after, p.ok])).toEqual([
      ['git', '2.41.0', '2.40.0', true],
      ['newtool', '1.0.0', null, true],
    ]);
    expect(exec.lines()).toContain('choco upgrade git -y -r --no-progress --version 2.40.0 --allow-downgrade');
  });

  it('selects nothing for security-only and says why, without running choco', async () => {
    const { exec, pm } = adapter([]);
    const plan = await pm.plan({ securityOnly: true });
    expect(plan.changes).toEqual([]);
    expect(plan.notes[0]).toMatch(/no security metadata/);
    expect(exec.calls).toEqual([]);
    expect(await pm.rebootRequired()).toMatchObject({ required: 'unknown' });
  });

  it.each(HOSTILE)('rejects the hostile name %j with E_INVALID_PACKAGE_NAME before any process starts', async (name) => {
    const { exec, pm } = adapter([]);
    const rejected = (p: Promise<unknown>) => expect(p).rejects.toSatisfy((e) => e instanceof PatchwaveError && e.code === 'E_INVALID_PACKAGE_NAME');
    await rejected(pm.plan({ packages: [{ name }] }));
    await rejected(pm.plan({ packages: [{ name: 'git', version: name }] }));
    await rejected(pm.apply({ ...gitPlan, changes: [{ kind: 'upgrade', name, arch: '', from: '1', to: '2' }] }, { timeoutMs: 1000 }));
    await rejected(pm.apply({ ...gitPlan, changes: [{ kind: 'upgrade', name: 'git', arch: '', from: '1', to: name }] }, { timeoutMs: 1000 }));
    await rejected(pm.rollback([{ name, version: '1.0' }], { timeoutMs: 1000 }));
    await rejected(pm.rollback([{ name: 'git', version: name }], { timeoutMs: 1000 }));
    expect(exec.calls).toEqual([]);
  });
});
