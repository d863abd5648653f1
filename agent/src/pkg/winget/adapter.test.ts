import { readFileSync } from 'node:fs';
import { PatchwaveError } from '@patchwave/shared';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import type { HostDescription } from '../host.js';
import type { Plan } from '../package-manager.js';
import { formatTarget, parseTarget, WingetPackageManager } from './adapter.js';
import { wingetModule } from './index.js';

/*
 * End to end through ReplayCommandRunner with the real `winget upgrade` tables in ./fixtures.
 * The read-back `winget list --id X --exact` tables are built here from the capture's own header
 * and column widths (winget cannot run on this machine); exit codes are AppInstallerErrors.h values,
 * given in the signed or unsigned spelling Windows may hand over.
 */

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const UPGRADE = fixture('winget-upgrade.issue1869.txt');
const HEADER = UPGRADE.split('\n').slice(0, 2).join('\n');
const host: HostDescription = { platform: 'win32', arch: 'x64', osRelease: {}, executables: new Set(['winget']) };
const log = pino({ level: 'silent' });
const QUERY = ['--accept-source-agreements', '--disable-interactivity'];
const INSTALL = ['--silent', '--accept-source-agreements', '--accept-package-agreements', '--disable-interactivity'];
const w = (...args: string[]) => ({ command: 'winget', args });
const UPGRADES = w('upgrade', '--include-unknown', ...QUERY);
const listOne = (id: string) => w('list', '--id', id, '--exact', ...QUERY);
const upgradeSignal = w('upgrade', '--id', 'OpenWhisperSystems.Signal', '--exact', ...INSTALL, '--version', '5.29.0', '--source', 'winget');

/** A one-row `winget list` table in the capture's layout. */
function listed(name: string, id: string, version: string): string {
  const header = HEADER.split('\n')[0] ?? '';
  const col = (label: string) => header.indexOf(label);
  const row = name.padEnd(col('Id')) + id.padEnd(col('Version') - col('Id')) + version.padEnd(col('Available') - col('Version')) + ''.padEnd(col('Source') - col('Available')) + 'winget';
  return `${HEADER}\n${row}\n`;
}

function adapter(replays: Replay[]) {
  const exec = new ReplayCommandRunner(replays);
  return { exec, pm: new WingetPackageManager({ exec, log, host, command: 'winget' }) };
}

const signalPlan: Plan = {
  manager: 'winget',
  selection: { packages: [{ name: 'OpenWhisperSystems.Signal' }] },
  changes: [{ kind: 'upgrade', name: 'OpenWhisperSystems.Signal', arch: '', from: '5.27.1', to: '5.29.0' }],
  unresolved: [],
  notes: [],
  targets: ['winget:OpenWhisperSystems.Signal@5.29.0'],
};

const HOSTILE = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', '$(id)'];

describe('winget detection and targets', () => {
  it('detects winget from the host description only', () => {
    expect(wingetModule.factory.detect(host)).toBe(true);
    expect(wingetModule.factory.detect({ ...host, platform: 'linux' })).toBe(false);
  });

  it('formats and parses plan targets, validating every part', () => {
    expect(formatTarget('Mozilla.Firefox', '111.0', 'winget')).toBe('winget:Mozilla.Firefox@111.0');
    expect(parseTarget('winget:Mozilla.Firefox@111.0')).toEqual({ id: 'Mozilla.Firefox', version: '111.0', source: 'winget' });
    expect(parseTarget('IDMComputerSolutions,Inc.UltraEdit@29.2.52')).toEqual({ id: 'IDMComputerSolutions,Inc.UltraEdit', version: '29.2.52' });
    expect(() => parseTarget('Mozilla.Firefox')).toThrow(/has no version/);
  });
});

describe('WingetPackageManager', () => {
  it('lists updates from the upgrade table and treats "no packages" exit codes as none', async () => {
    const { exec, pm } = adapter([{ match: UPGRADES, stdout: UPGRADE }]);
    expect((await pm.listUpdates()).map((u) => u.name)).toEqual([
      'OpenWhisperSystems.Signal',
      'Microsoft.Edge',
      'Microsoft.EdgeWebView2Runtime',
      'Microsoft.Office',
      'Postman.Postman',
    ]);
    expect(exec.lines()).toEqual(['winget upgrade --include-unknown --accept-source-agreements --disable-interactivity']);
    const none = adapter([{ match: UPGRADES, exitCode: -1978335212, stdout: 'No installed package found matching input criteria.\r\n' }]);
    expect(await none.pm.listUpdates()).toEqual([]);
  });

  it('plans from the table and applies one pinned `winget upgrade` per package, reading the version back', async () => {
    const { exec, pm } = adapter([
      { match: UPGRADES, stdout: UPGRADE },
      { match: upgradeSignal, stdout: 'Successfully installed\r\n' },
      { match: listOne('OpenWhisperSystems.Signal'), stdout: listed('Signal', 'OpenWhisperSystems.Signal', '5.29.0') },
    ]);
    const plan = await pm.plan({ packages: [{ name: 'openwhispersystems.signal' }] });
    expect(plan.changes).toEqual(signalPlan.changes);
    expect(plan.targets).toEqual(signalPlan.targets);
    const result = await pm.apply(plan, { timeoutMs: 600_000 });
    expect(result).toMatchObject({ manager: 'winget', ok: true, exitCode: 0, rebootRequired: false });
    expect(result.packages).toEqual([{ name: 'OpenWhisperSystems.Signal', arch: '', requested: '5.29.0', before: '5.27.1', after: '5.29.0', ok: true }]);
    expect(exec.lines()[1]).toBe(
      'winget upgrade --id OpenWhisperSystems.Signal --exact --silent --accept-source-agreements --accept-package-agreements --disable-interactivity --version 5.29.0 --source winget',
    );
  });

  it('plans every update for `all`, and refuses truncated ids', async () => {
    const truncated = fixture('winget-upgrade-source-winget.truncated.issue297.txt').replace('Microsoft.Teams   ', 'Microsoft.Teams.\u2026 ');
    const { pm } = adapter([{ match: UPGRADES, stdout: truncated }]);
    const plan = await pm.plan({ all: true });
    expect(plan.targets).toEqual([
      'Mozilla.Firefox@111.0',
      'ElectronicArts.EADesktop@12.130.0.5387',
      'Microsoft.WindowsSDK@10.0.22621.2',
      'Microsoft.DotNet.SDK.3_1@3.1.426',
      'IDMComputerSolutions,Inc.UltraEdit@29.2.52',
    ]);
    expect(plan.unresolved).toEqual([{ name: 'Microsoft.Teams.\u2026', code: 'E_PKG_NOT_FOUND', message: expect.stringMatching(/truncated Id/) }]);
    expect(plan.changes.find((c) => c.name === 'Microsoft.WindowsSDK')?.from).toBe('< 10.0.22000.832');
  });

  it('plans a chosen version, and says why a package cannot be planned', async () => {
    const { exec, pm } = adapter([
      { match: UPGRADES, stdout: UPGRADE },
      { match: listOne('Git.Git'), stdout: listed('Git', 'Git.Git', '2.31.0.0.1') },
      { match: listOne('Absent.App'), exitCode: 0x8a150014, stdout: 'No installed package found matching input criteria.\r\n' },
    ]);
    const plan = await pm.plan({ packages: [{ name: 'Git.Git', version: '2.30.0' }, { name: 'Absent.App' }, { name: 'Git.Git' }] });
    expect(plan.changes).toEqual([{ kind: 'downgrade', name: 'Git.Git', arch: '', from: '2.31.0.0.1', to: '2.30.0' }]);
    expect(plan.unresolved.map((u) => [u.name, u.code])).toEqual([
      ['Absent.App', 'E_PKG_NOT_FOUND'],
      ['Git.Git', 'E_PKG_NO_UPDATE'],
    ]);
    expect(exec.lines()).toContain('winget list --id Absent.App --exact --accept-source-agreements --disable-interactivity');
  });

  it('adds --include-unknown when the installed version is Unknown', async () => {
    const { exec, pm } = adapter([
      { match: /^winget upgrade --id CodeFlow/, stdout: '' },
      { match: listOne('CodeFlow'), stdout: listed('CodeFlow', 'CodeFlow', '2.0') },
    ]);
    const plan: Plan = { ...signalPlan, changes: [{ kind: 'upgrade', name: 'CodeFlow', arch: '', from: 'Unknown', to: '2.0' }], targets: ['CodeFlow@2.0'] };
    expect((await pm.apply(plan, { timeoutMs: 1000 })).ok).toBe(true);
    expect(exec.lines()[0]).toBe(
      'winget upgrade --id CodeFlow --exact --silent --accept-source-agreements --accept-package-agreements --disable-interactivity --version 2.0 --include-unknown',
    );
  });

  it.each([
    ['0x8A15002B signed (no applicable update)', -1978335189, '5.27.1', false, false, 'E_PKG_NO_UPDATE'],
    ['0x8A150014 unsigned (not found)', 0x8a150014, '5.27.1', false, false, 'E_PKG_NOT_FOUND'],
    ['0x8A15010A (reboot required to install)', 0x8a15010a, '5.27.1', false, true, 'E_PKG_RETRY'],
    ['0x8A150102 (another install in progress)', -1978334974, '5.27.1', false, false, 'E_PKG_LOCKED'],
    ['0x8A150008 (download failed)', 0x8a150008, '5.27.1', false, false, 'E_PKG_DOWNLOAD_FAILED'],
    ['1603 (installer failure)', 1603, '5.27.1', false, false, 'E_PKG_FAILED'],
    ['0x8A150109 (reboot required to finish)', 0x8a150109, '5.29.0', true, true, undefined],
    ['0 but the version did not change', 0, '5.27.1', false, false, 'E_PKG_FAILED'],
  ] as const)('maps exit %s', async (_what, exitCode, after, ok, reboot, code) => {
    const { pm } = adapter([
      { match: upgradeSignal, exitCode },
      { match: listOne('OpenWhisperSystems.Signal'), stdout: listed('Signal', 'OpenWhisperSystems.Signal', after) },
    ]);
    const result = await pm.apply(signalPlan, { timeoutMs: 600_000 });
    expect(result.ok).toBe(ok);
    expect(result.rebootRequired).toBe(reboot);
    expect(result.errorCode).toBe(code);
    expect(result.packages[0]).toMatchObject({ before: '5.27.1', after, ok });
    expect((await pm.rebootRequired()).required).toBe(reboot ? true : 'unknown');
  });

  it('rolls back with `winget install --version <old> --force` and uninstalls what was new', async () => {
    const { exec, pm } = adapter([
      { match: listOne('OpenWhisperSystems.Signal'), stdout: listed('Signal', 'OpenWhisperSystems.Signal', '5.29.0'), once: true },
      { match: listOne('New.Tool'), stdout: listed('New Tool', 'New.Tool', '1.0'), once: true },
      { match: w('install', '--id', 'OpenWhisperSystems.Signal', '--exact', '--version', '5.27.1', '--force', ...INSTALL), stdout: '' },
      { match: listOne('OpenWhisperSystems.Signal'), stdout: listed('Signal', 'OpenWhisperSystems.Signal', '5.27.1') },
      { match: w('uninstall', '--id', 'New.Tool', '--exact', '--silent', ...QUERY), stdout: '' },
      { match: listOne('New.Tool'), exitCode: 0x8a150014 },
    ]);
    const result = await pm.rollback([{ name: 'OpenWhisperSystems.Signal', version: '5.27.1' }, { name: 'New.Tool', version: null }], { timeoutMs: 600_000 });
    expect(result.packages.map((p) => [p.name, p.before, p.after, p.ok])).toEqual([
      ['OpenWhisperSystems.Signal', '5.29.0', '5.27.1', true],
      ['New.Tool', '1.0', null, true],
    ]);
    expect(result.ok).toBe(true);
    expect(exec.lines()).toContain(
      'winget install --id OpenWhisperSystems.Signal --exact --version 5.27.1 --force --silent --accept-source-agreements --accept-package-agreements --disable-interactivity',
    );
  });

  it('reports a rollback that did not land on the old version as failed', async () => {
    const { pm } = adapter([
      { match: listOne('OpenWhisperSystems.Signal'), stdout: listed('Signal', 'OpenWhisperSystems.Signal', '5.29.0') },
      { match: /^winget install /, stdout: '' },
    ]);
    const result = await pm.rollback([{ name: 'OpenWhisperSystems.Signal', version: '5.27.1' }], { timeoutMs: 600_000 });
    expect(result.packages[0]).toMatchObject({ ok: false, errorCode: 'E_PKG_FAILED', after: '5.29.0' });
  });

  it('selects nothing for security-only without running winget', async () => {
    const { exec, pm } = adapter([]);
    expect((await pm.plan({ securityOnly: true })).notes[0]).toMatch(/no security metadata/);
    expect(exec.calls).toEqual([]);
  });

  it.each(HOSTILE)('rejects the hostile name %j with E_INVALID_PACKAGE_NAME before any process starts', async (name) => {
    const { exec, pm } = adapter([]);
    const rejected = (p: Promise<unknown>) => expect(p).rejects.toSatisfy((e) => e instanceof PatchwaveError && e.code === 'E_INVALID_PACKAGE_NAME');
    await rejected(pm.plan({ packages: [{ name }] }));
    await rejected(pm.plan({ packages: [{ name: 'Git.Git', version: name }] }));
    await rejected(pm.apply({ ...signalPlan, targets: [`${name}@1.0`] }, { timeoutMs: 1000 }));
    await rejected(pm.apply({ ...signalPlan, targets: [`Git.Git@${name}`] }, { timeoutMs: 1000 }));
    await rejected(pm.apply({ ...signalPlan, targets: [`${name}:Git.Git@1.0`] }, { timeoutMs: 1000 }));
    await rejected(pm.rollback([{ name, version: '1.0' }], { timeoutMs: 1000 }));
    await rejected(pm.rollback([{ name: 'Git.Git', version: name }], { timeoutMs: 1000 }));
    expect(exec.calls).toEqual([]);
  });
});
