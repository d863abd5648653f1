import { readFileSync } from 'node:fs';
import { PatchwaveError } from '@patchwave/shared';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../exec/command-runner.js';
import { ExecaCommandRunner } from '../../exec/execa-runner.js';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import type { HostDescription } from '../host.js';
import type { Plan } from '../package-manager.js';
import { BrewPackageManager } from './adapter.js';
import { brewModule } from './index.js';
import type { BrewProbe } from './runtime.js';

/*
 * End to end through ReplayCommandRunner. `brew outdated --json=v2` is served the output Homebrew's
 * own spec asserts (./fixtures) or entries built in that shape; `brew list --versions` lines and the
 * passwd entries are built in their documented formats (no Mac here). The file-system probe that
 * finds the prefix owner is injected: it is the one fact the adapter cannot get from a command.
 */

const SPEC = readFileSync(new URL('./fixtures/brew-outdated-json-v2.homebrew-spec.json', import.meta.url), 'utf8');
const BREW = '/opt/homebrew/bin/brew';
const log = pino({ level: 'silent' });
const mac: HostDescription = { platform: 'darwin', arch: 'arm64', osRelease: {}, executables: new Set(['brew', 'softwareupdate']), uid: 0 };
const ownedBy = (uid: number, file = BREW): BrewProbe => ({ owner: async (f) => (f === file ? { uid, gid: 80 } : undefined) });
const ID_P: Replay = { match: { command: 'id', args: ['-P', '501'] }, stdout: 'alice:********:501:20::0:0:Alice Example:/Users/alice:/bin/zsh\n' };
const brew = (...args: string[]) => ({ command: BREW, args });
const FORMULAE = brew('list', '--formula', '--versions');
const CASKS = brew('list', '--cask', '--versions');
const OUTDATED = brew('outdated', '--json=v2');

function adapter(replays: Replay[], host: HostDescription = mac, probe: BrewProbe = ownedBy(501)) {
  const exec = new ReplayCommandRunner(replays);
  return { exec, pm: new BrewPackageManager({ exec, log, host, probe }) };
}

const outdatedJson = JSON.stringify({
  formulae: [
    { name: 'testball', installed_versions: ['0.0.1'], current_version: '0.1', pinned: false, pinned_version: null },
    { name: 'postgresql@14', installed_versions: ['14.11'], current_version: '14.13', pinned: true, pinned_version: '14.11' },
  ],
  casks: [{ name: 'firefox', installed_versions: ['125.0.1'], current_version: '126.0', pinned: false, pinned_version: null }],
});

const HOSTILE = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', '$(id)'];

describe('brew detection', () => {
  it('is a pure function of the host description', () => {
    expect(brewModule.factory.detect(mac)).toBe(true);
    expect(brewModule.factory.detect({ ...mac, platform: 'linux' })).toBe(true);
    expect(brewModule.factory.detect({ ...mac, platform: 'win32' })).toBe(false);
    expect(brewModule.factory.detect({ ...mac, executables: new Set() })).toBe(false);
  });
});

describe('BrewPackageManager', () => {
  it('runs every brew command as the owner of the prefix, with its home and HOMEBREW_NO_AUTO_UPDATE', async () => {
    const { exec, pm } = adapter([ID_P, { match: OUTDATED, stdout: SPEC }]);
    expect(await pm.listUpdates()).toEqual([
      { manager: 'brew', name: 'testball', arch: '', installedVersion: '0.0.1', candidateVersion: '0.1', security: 'unknown', advisories: [], cves: [] },
    ]);
    expect(exec.lines()).toEqual(['id -P 501', '/opt/homebrew/bin/brew outdated --json=v2']);
    const call = exec.calls[1];
    expect(call?.runAs).toEqual({ uid: 501, gid: 20 });
    expect(call?.cwd).toBe('/Users/alice');
    expect(call?.env).toMatchObject({ HOME: '/Users/alice', USER: 'alice', LOGNAME: 'alice', HOMEBREW_NO_AUTO_UPDATE: '1', PATH: '/opt/homebrew/bin:/opt/homebrew/sbin:/usr/bin:/bin:/usr/sbin:/sbin' });
    expect(pm.capabilities.needsUser).toBe(true);
  });

  it('does not switch users when the agent already runs as the owner; on Linux it asks getent', async () => {
    const linuxBrew = '/home/linuxbrew/.linuxbrew/bin/brew';
    const host: HostDescription = { ...mac, platform: 'linux', uid: 1001 };
    const { exec, pm } = adapter(
      [
        { match: { command: 'getent', args: ['passwd', '1001'] }, stdout: 'linuxbrew:x:1001:1001:,,,:/home/linuxbrew:/bin/bash\n' },
        { match: { command: linuxBrew, args: ['--version'] }, stdout: 'Homebrew 4.3.5\n' },
      ],
      host,
      ownedBy(1001, linuxBrew),
    );
    expect(await pm.version()).toBe('4.3.5');
    expect(exec.calls[1]?.runAs).toBeUndefined();
    expect(exec.calls[1]?.env?.['HOME']).toBe('/home/linuxbrew');
  });

  it.each([
    ['a prefix owned by root', ownedBy(0), mac, /owned by root/],
    ['an agent that is neither root nor the owner', ownedBy(501), { ...mac, uid: 502 }, /cannot switch users/],
    ['no Homebrew at all', { owner: async () => undefined }, mac, /Homebrew not found/],
  ] as const)('refuses %s before running brew', async (_what, probe, host, message) => {
    const { exec, pm } = adapter([], host, probe);
    await expect(pm.listUpdates()).rejects.toThrow(message);
    expect(exec.calls).toEqual([]);
  });

  it('takes a brew path from the local settings, and refuses one that is not <prefix>/bin/brew', async () => {
    const custom = '/Users/alice/homebrew/bin/brew';
    const exec = new ReplayCommandRunner([ID_P, { match: { command: custom, args: ['--version'] }, stdout: 'Homebrew 4.3.5\n' }]);
    const pm = new BrewPackageManager({ exec, log, host: mac, probe: ownedBy(501, custom), local: { brew: { path: custom } } });
    expect(await pm.version()).toBe('4.3.5');
    expect(exec.calls[1]?.env?.['PATH']).toMatch(/^\/Users\/alice\/homebrew\/bin:/);
    const bad = new BrewPackageManager({ exec: new ReplayCommandRunner([]), log, host: mac, probe: ownedBy(501), local: { brew: { path: '/tmp/evil' } } });
    await expect(bad.version()).rejects.toMatchObject({ code: 'E_CONFIG_INVALID' });
  });

  it('plans from brew outdated, leaves pinned formulae alone, and upgrades formulae and casks', async () => {
    const { exec, pm } = adapter([
      ID_P,
      { match: OUTDATED, stdout: outdatedJson },
      { match: FORMULAE, stdout: 'testball 0.0.1\npostgresql@14 14.11\n', once: true },
      { match: CASKS, stdout: 'firefox 125.0.1\n', once: true },
      { match: brew('upgrade', '--formula', '--', 'testball'), stdout: '==> Upgrading 1 outdated package:\ntestball 0.0.1 -> 0.1\n' },
      { match: brew('upgrade', '--cask', '--', 'firefox'), stdout: '==> Upgrading 1 outdated package:\nfirefox 125.0.1 -> 126.0\n' },
      { match: FORMULAE, stdout: 'testball 0.1\npostgresql@14 14.11\n' },
      { match: CASKS, stdout: 'firefox 126.0\n' },
    ]);
    const plan = await pm.plan({ packages: [{ name: 'testball' }, { name: 'cask:firefox' }, { name: 'postgresql@14' }, { name: 'wget' }] });
    expect(plan.changes).toEqual([
      { kind: 'upgrade', name: 'testball', arch: '', from: '0.0.1', to: '0.1' },
      { kind: 'upgrade', name: 'cask:firefox', arch: '', from: '125.0.1', to: '126.0' },
    ]);
    expect(plan.unresolved.map((u) => [u.name, u.code])).toEqual([
      ['postgresql@14', 'E_PKG_CONFLICT'],
      ['wget', 'E_PKG_NO_UPDATE'],
    ]);
    const result = await pm.apply(plan, { timeoutMs: 600_000 });
    expect(result.ok).toBe(true);
    expect(result.packages.map((p) => [p.name, p.before, p.after, p.ok])).toEqual([
      ['testball', '0.0.1', '0.1', true],
      ['cask:firefox', '125.0.1', '126.0', true],
    ]);
    expect(exec.lines()).toContain('/opt/homebrew/bin/brew upgrade --formula -- testball');
    expect(exec.lines()).toContain('/opt/homebrew/bin/brew upgrade --cask -- firefox');
    expect(exec.calls.filter((c) => c.args[0] === 'upgrade').every((c) => c.runAs?.uid === 501 && c.env?.['HOMEBREW_NO_AUTO_UPDATE'] === '1')).toBe(true);
  });

  const testballPlan: Plan = {
    manager: 'brew',
    selection: { packages: [{ name: 'testball' }] },
    changes: [{ kind: 'upgrade', name: 'testball', arch: '', from: '0.0.1', to: '0.1' }],
    unresolved: [],
    notes: [],
    targets: ['testball'],
  };

  it.each([
    ['an unknown formula', 'Error: No available formula with the name "testball".\n', 'E_PKG_NOT_FOUND'],
    ['a held lock', 'Error: A `brew upgrade testball` process has already locked /opt/homebrew/Cellar/testball.\nPlease wait for it to finish or terminate it to continue.\n', 'E_PKG_LOCKED'],
    ['a failed download', 'curl: (6) Could not resolve host: ghcr.io\nError: Failed to download resource "testball"\n', 'E_PKG_DOWNLOAD_FAILED'],
    ['a failing post-install step', 'Error: An exception occurred within a post_install block for testball.\n', 'E_PKG_SCRIPT_FAILED'],
  ])('maps %s to its error code', async (_what, stderr, code) => {
    const { pm } = adapter([
      ID_P,
      { match: FORMULAE, stdout: 'testball 0.0.1\n' },
      { match: CASKS, stdout: '' },
      { match: brew('upgrade', '--formula', '--', 'testball'), exitCode: 1, stderr },
    ]);
    const result = await pm.apply(testballPlan, { timeoutMs: 600_000 });
    expect(result).toMatchObject({ ok: false, exitCode: 1, errorCode: code });
    expect(result.packages[0]).toMatchObject({ name: 'testball', before: '0.0.1', after: '0.0.1', ok: false, errorCode: code });
  });

  it('cannot roll back or pin versions, and says so without running brew', async () => {
    const { exec, pm } = adapter([]);
    const result = await pm.rollback([{ name: 'testball', version: '0.0.1' }], { timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, errorCode: 'E_ROLLBACK_UNSUPPORTED' });
    expect(await pm.rebootRequired()).toEqual({ required: 'unknown', reasons: ['Homebrew does not track reboots'], packages: [] });
    expect(exec.calls).toEqual([]);
  });

  it.each(HOSTILE)('rejects the hostile name %j with E_INVALID_PACKAGE_NAME before any process starts', async (name) => {
    const { exec, pm } = adapter([]);
    const rejected = (p: Promise<unknown>) => expect(p).rejects.toSatisfy((e) => e instanceof PatchwaveError && e.code === 'E_INVALID_PACKAGE_NAME');
    await rejected(pm.plan({ packages: [{ name }] }));
    await rejected(pm.plan({ packages: [{ name: `cask:${name}` }] }));
    await rejected(pm.plan({ packages: [{ name: 'testball', version: name }] }));
    await rejected(pm.apply({ ...testballPlan, targets: [name] }, { timeoutMs: 1000 }));
    await rejected(pm.apply({ ...testballPlan, targets: [`cask:${name}`] }, { timeoutMs: 1000 }));
    await rejected(pm.rollback([{ name, version: '1' }], { timeoutMs: 1000 }));
    expect(exec.calls).toEqual([]);
  });
});

describe('running as another user (the runner side of needsUser)', () => {
  it('really runs a process as the given uid and gid', async () => {
    const runner = new ExecaCommandRunner();
    const spec = { command: 'id', args: ['-u', '-g'], timeoutMs: 10_000, runAs: { uid: 65534, gid: 65534 } };
    if (process.getuid?.() === 0) {
      const res = await runner.run({ ...spec, args: ['-u'] });
      expect(res.stdout.trim()).toBe('65534');
      expect((await runner.run({ ...spec, args: ['-g'] })).stdout.trim()).toBe('65534');
    } else {
      // Only root may switch users: anyone else gets a clear failure, never a run as themselves.
      await expect(runner.run(spec)).rejects.toBeInstanceOf(CommandError);
    }
  });
});
