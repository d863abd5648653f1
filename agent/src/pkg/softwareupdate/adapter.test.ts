import { readFileSync } from 'node:fs';
import { PatchwaveError } from '@patchwave/shared';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import type { HostDescription } from '../host.js';
import type { Plan } from '../package-manager.js';
import { softwareUpdateModule } from './index.js';

/*
 * End to end through ReplayCommandRunner with the real `softwareupdate --list` captures in
 * ./fixtures. `softwareupdate --install` progress, `sw_vers` and `system_profiler -json` are built
 * here from their documented formats: no capture of them exists and a Mac cannot run here.
 */

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const TRAILING = fixture('softwareupdate-l.mojave-trailing-space-label.salt.txt');
const TAHOE = fixture('softwareupdate-list.macos-tahoe-26.6-offer.txt');
const NOTHING = { stdout: 'Software Update Tool\n\nFinding available software\n', stderr: 'No new software available.\n' };
const LABEL = 'macOS Mojave 10.14.6 Supplemental Update- ';
const host: HostDescription = { platform: 'darwin', arch: 'x64', osRelease: {}, executables: new Set(['softwareupdate']), uid: 0 };
const log = pino({ level: 'silent' });
const LIST = { command: 'softwareupdate', args: ['--list'] };
const install = (...labels: string[]) => ({ command: 'softwareupdate', args: ['--install', ...labels] });

function adapter(replays: Replay[]) {
  const exec = new ReplayCommandRunner(replays);
  return { exec, pm: softwareUpdateModule.factory.create({ exec, log, host }) };
}

const HOSTILE = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', '$(id)'];
const tahoePlan: Plan = {
  manager: 'softwareupdate',
  selection: { all: true },
  changes: [{ kind: 'upgrade', name: 'macOS Tahoe 26.6-25G72', arch: '', from: null, to: '26.6' }],
  unresolved: [],
  notes: [],
  targets: ['macOS Tahoe 26.6-25G72'],
};

describe('softwareupdate detection', () => {
  it('is a pure function of the host description', () => {
    expect(softwareUpdateModule.factory.detect(host)).toBe(true);
    expect(softwareUpdateModule.factory.detect({ ...host, platform: 'linux' })).toBe(false);
  });
});

describe('SoftwareUpdatePackageManager', () => {
  it('lists the offered updates, and none when "No new software available." comes on stderr', async () => {
    const { pm } = adapter([{ match: LIST, stdout: TAHOE }]);
    expect(await pm.listUpdates()).toEqual([
      {
        manager: 'softwareupdate',
        name: 'macOS Tahoe 26.6-25G72',
        arch: '',
        installedVersion: null,
        candidateVersion: '26.6',
        security: 'unknown',
        advisories: [],
        cves: [],
        title: 'macOS Tahoe 26.6',
        rebootRequired: true,
      },
    ]);
    expect(await adapter([{ match: LIST, ...NOTHING }]).pm.listUpdates()).toEqual([]);
  });

  it('passes a label that ends in a space whole to softwareupdate --install, and needs a restart after', async () => {
    const { exec, pm } = adapter([
      { match: LIST, stdout: TRAILING, once: true }, // plan
      { match: LIST, stdout: TRAILING, once: true }, // apply: what was offered
      {
        match: install(LABEL),
        stdout: 'Software Update Tool\n\nFinding available software\n\nDownloading macOS Mojave 10.14.6 Supplemental Update\nInstalling macOS Mojave 10.14.6 Supplemental Update\nDone with macOS Mojave 10.14.6 Supplemental Update\nDone.\n',
        stderr: 'You have installed one or more updates that requires that you restart your computer.  Please restart immediately.\n',
      },
      { match: LIST, ...NOTHING },
    ]);
    // An operator may leave the trailing space off: the plan still carries the label byte for byte.
    const plan = await pm.plan({ packages: [{ name: 'macOS Mojave 10.14.6 Supplemental Update-' }] });
    expect(plan.targets).toEqual([LABEL]);
    expect(plan.notes.join(' ')).toMatch(/need a restart/);
    const result = await pm.apply(plan, { timeoutMs: 3_600_000 });
    expect(result).toMatchObject({ ok: true, exitCode: 0, rebootRequired: true });
    expect(result.packages).toEqual([{ name: LABEL, arch: '', requested: '', before: null, after: '', ok: true }]);
    const call = exec.calls.find((c) => c.args[0] === '--install');
    expect(call?.args).toEqual(['--install', 'macOS Mojave 10.14.6 Supplemental Update- ']);
    expect(call?.timeoutMs).toBe(3_600_000);
    expect(await pm.rebootRequired()).toMatchObject({ required: true });
  });

  it('counts a restart-bound update that stays listed until the restart as staged, not failed', async () => {
    const { pm } = adapter([
      { match: LIST, stdout: TAHOE },
      { match: install('macOS Tahoe 26.6-25G72'), stdout: 'Downloading macOS Tahoe 26.6\nRestart required\n' },
    ]);
    const result = await pm.apply(tahoePlan, { timeoutMs: 3_600_000 });
    expect(result.ok).toBe(true);
    expect(result.rebootRequired).toBe(true);
    expect(result.packages[0]?.message).toMatch(/staged/);
  });

  it.each([
    ['an unknown label', { stdout: 'macOS Tahoe 26.6-25G72: No such update\n' }, 'E_PKG_NOT_FOUND'],
    ['an install error', { exitCode: 1, stdout: 'Failed to download & prepare update: Error Domain=SUMacControllerError Code=7735\n' }, 'E_PKG_FAILED'],
    ['a timeout', { timedOut: true }, 'E_PKG_TIMEOUT'],
  ] as const)('reports %s as a failed package with its error code', async (_what, replay, code) => {
    const { pm } = adapter([{ match: LIST, stdout: TAHOE }, { match: install('macOS Tahoe 26.6-25G72'), ...replay }]);
    const result = await pm.apply(tahoePlan, { timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, errorCode: code, rebootRequired: false });
    expect(result.packages[0]).toMatchObject({ name: 'macOS Tahoe 26.6-25G72', ok: false, errorCode: code });
  });

  it('plans security updates Apple titles as such, and refuses what it cannot do', async () => {
    const list = `${TAHOE}* Label: Security Update 2021-005 Catalina-10.15.7\n\tTitle: Security Update 2021-005 Catalina, Version: 10.15.7, Size: 2107011K, Recommended: YES, Action: restart,\n`;
    const { pm } = adapter([{ match: LIST, stdout: list }]);
    const plan = await pm.plan({ securityOnly: true, advisories: ['CVE-2021-30807'], packages: [{ name: 'macOS Tahoe 26.6-25G72', version: '26.5' }, { name: 'Nope-1.0' }] });
    expect(plan.targets).toEqual(['Security Update 2021-005 Catalina-10.15.7']);
    expect(plan.unresolved.map((u) => [u.name, u.code])).toEqual([
      ['CVE-2021-30807', 'E_NOT_SUPPORTED'],
      ['macOS Tahoe 26.6-25G72', 'E_NOT_SUPPORTED'],
      ['Nope-1.0', 'E_PKG_NOT_FOUND'],
    ]);
  });

  it('lists macOS itself and every application as installed software', async () => {
    const apps = JSON.stringify({ SPApplicationsDataType: [{ _name: 'Safari', arch_kind: 'arch_arm_i64', obtained_from: 'apple', path: '/Applications/Safari.app', version: '17.5' }] });
    const { exec, pm } = adapter([
      { match: { command: 'sw_vers', args: [] }, stdout: 'ProductName:\t\tmacOS\nProductVersion:\t\t14.5\nBuildVersion:\t\t23F79\n' },
      { match: { command: 'system_profiler', args: ['-json', 'SPApplicationsDataType'] }, stdout: apps },
      { match: { command: 'sw_vers', args: ['-productVersion'] }, stdout: '14.5\n' },
    ]);
    expect(await pm.listInstalled()).toEqual([
      { manager: 'softwareupdate', name: 'macOS', version: '14.5 (23F79)', arch: '' },
      { manager: 'softwareupdate', name: 'Safari', version: '17.5', arch: 'universal' },
    ]);
    expect(await pm.version()).toBe('14.5');
    expect(exec.lines()).toEqual(['sw_vers', 'system_profiler -json SPApplicationsDataType', 'sw_vers -productVersion']);
  });

  it('cannot roll back, and says so without running anything', async () => {
    const { exec, pm } = adapter([]);
    expect(await pm.rollback([{ name: 'macOS Tahoe 26.6-25G72', version: null }], { timeoutMs: 1000 })).toMatchObject({ ok: false, errorCode: 'E_ROLLBACK_UNSUPPORTED' });
    expect(await pm.rebootRequired()).toMatchObject({ required: 'unknown' });
    expect(exec.calls).toEqual([]);
  });

  it.each(HOSTILE)('rejects the hostile label %j with E_INVALID_PACKAGE_NAME before any process starts', async (name) => {
    const { exec, pm } = adapter([]);
    const rejected = (p: Promise<unknown>) => expect(p).rejects.toSatisfy((e) => e instanceof PatchwaveError && e.code === 'E_INVALID_PACKAGE_NAME');
    await rejected(pm.plan({ packages: [{ name }] }));
    await rejected(pm.apply({ ...tahoePlan, targets: [name] }, { timeoutMs: 1000 }));
    await rejected(pm.apply({ ...tahoePlan, targets: ['macOS Tahoe 26.6-25G72', name] }, { timeoutMs: 1000 }));
    await rejected(pm.rollback([{ name, version: null }], { timeoutMs: 1000 }));
    expect(exec.calls).toEqual([]);
  });
});
