import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PatchwaveError } from '@patchwave/shared';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import type { HostDescription } from '../host.js';
import type { Plan } from '../package-manager.js';
import { errorJson, IDS, installedJson, installJson, rebootJson, searchJson } from './__tests__/recorded-wua.js';
import { WindowsUpdatePackageManager } from './adapter.js';
import { windowsUpdateModule } from './index.js';
import { WUA_SCRIPT } from './wua-script.js';

/*
 * End to end through ReplayCommandRunner. wua.ps1 cannot run here: its JSON is recorded from the
 * captures (./__tests__/recorded-wua.ts, which says what is captured and what is built). The script
 * file itself is really written, and the test checks what powershell.exe would have been given.
 */

const PS = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const WUSA = 'C:\\Windows\\System32\\wusa.exe';
const host: HostDescription = { platform: 'win32', arch: 'x64', osRelease: {}, executables: new Set(['powershell.exe', 'winget']) };
const log = pino({ level: 'silent' });
const scriptDir = mkdtempSync(path.join(os.tmpdir(), 'patchwave-wu-test-'));
afterAll(() => rmSync(scriptDir, { recursive: true, force: true }));

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ps = (action: string, extra = '') => new RegExp(`^${esc(PS)} -NoProfile -NonInteractive -ExecutionPolicy Bypass -File \\S+wua\\.ps1 -Action ${action}${extra ? ` ${esc(extra)}` : ''}$`);
const wusa = (kb: string) => ({ command: WUSA, args: ['/uninstall', `/kb:${kb}`, '/quiet', '/norestart'] });

function adapter(replays: Replay[]) {
  const exec = new ReplayCommandRunner(replays);
  return { exec, pm: new WindowsUpdatePackageManager({ exec, log, host, paths: { powershell: PS, wusa: WUSA }, scriptDir }) };
}

const lcuPlan: Plan = {
  manager: 'windows-update',
  selection: { packages: [{ name: 'KB5021233' }] },
  changes: [{ kind: 'install', name: 'KB5021233', arch: '', from: null, to: '200' }],
  unresolved: [],
  notes: [],
  targets: [IDS.KB5021233],
};

const HOSTILE = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', '$(id)'];

describe('Windows Update detection', () => {
  it('is a pure function of the host description', () => {
    expect(windowsUpdateModule.factory.detect(host)).toBe(true);
    expect(windowsUpdateModule.factory.detect({ ...host, executables: new Set(['choco']) })).toBe(false);
    expect(windowsUpdateModule.factory.detect({ ...host, platform: 'linux' })).toBe(false);
  });
});

describe('WindowsUpdatePackageManager', () => {
  it('runs the embedded script from a file with -File, never a command string, and lists updates', async () => {
    const { exec, pm } = adapter([{ match: ps('Search'), stdout: searchJson() }]);
    const updates = await pm.listUpdates();
    expect(updates.map((u) => [u.name, u.security])).toEqual([
      ['KB5012170', true],
      ['KB5021233', true],
      ['KB5021088', false],
      [IDS.defender1, false],
      [IDS.defender2, false],
      [IDS.driver, 'unknown'],
    ]);
    const call = exec.calls[0];
    expect(call?.command).toBe(PS);
    expect(call?.args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File']);
    expect(readFileSync(call?.args[5] ?? '', 'utf8')).toBe(WUA_SCRIPT);
    expect(call?.args.slice(6)).toEqual(['-Action', 'Search']);
  });

  it('plans security updates, named KBs, UpdateIDs and advisories (KB, CVE), and installs them by UpdateID', async () => {
    const { exec, pm } = adapter([
      { match: ps('Search'), stdout: searchJson() },
      { match: ps('Install', `-UpdateIds ${IDS.KB5012170},${IDS.KB5021233},${IDS.KB5021088}`), stdout: installJson([
        { id: IDS.KB5012170, kb: '5012170', resultCode: 2 },
        { id: IDS.KB5021233, kb: '5021233', resultCode: 2, reboot: true },
        { id: IDS.KB5021088, kb: '5021088', resultCode: 3, hresult: 0x80070005 | 0 },
      ]) },
    ]);
    const plan = await pm.plan({ securityOnly: true, packages: [{ name: '5021088' }, { name: 'KB9999999' }], advisories: ['CVE-2022-44698', 'MS17-010'] });
    expect(plan.changes.map((c) => [c.kind, c.name, c.to])).toEqual([
      ['install', 'KB5012170', '200'],
      ['install', 'KB5021233', '200'],
      ['install', 'KB5021088', '200'],
    ]);
    expect(plan.targets).toEqual([IDS.KB5012170, IDS.KB5021233, IDS.KB5021088]);
    expect(plan.unresolved.map((u) => [u.name, u.code])).toEqual([
      ['KB9999999', 'E_PKG_NOT_FOUND'],
      ['MS17-010', 'E_PKG_NOT_FOUND'],
    ]);
    const result = await pm.apply(plan, { timeoutMs: 7_200_000 });
    expect(result).toMatchObject({ ok: true, exitCode: 0, rebootRequired: true });
    expect(result.packages.map((p) => [p.name, p.after, p.ok, p.message])).toEqual([
      ['KB5012170', '200', true, undefined],
      ['KB5021233', '200', true, 'installed; a restart completes it'],
      ['KB5021088', '200', true, 'installed with errors (0x80070005)'],
    ]);
    expect(exec.calls[1]?.timeoutMs).toBe(7_200_000);
  });

  it.each([
    ['an install failure (ResultCode 4)', installJson([{ id: IDS.KB5021233, kb: '5021233', resultCode: 4, hresult: 0x80240022 | 0 }]), 0, 'E_PKG_FAILED'],
    ['an aborted install (ResultCode 5)', installJson([{ id: IDS.KB5021233, kb: '5021233', resultCode: 5 }]), 0, 'E_PKG_FAILED'],
    ['a failed download', installJson([{ id: IDS.KB5021233, kb: '5021233', resultCode: 0, download: [4, 0x8024402c | 0] }]), 0, 'E_PKG_DOWNLOAD_FAILED'],
    ['an update no longer offered', installJson([], { NotFound: [IDS.KB5021233], Download: null, Install: null }), 0, 'E_PKG_NOT_FOUND'],
    ['a restart needed first', installJson([{ id: IDS.KB5021233, kb: '5021233', resultCode: 0 }], { RebootRequiredBeforeInstallation: true, Install: null }), 0, 'E_PKG_RETRY'],
    ['another installation in progress (script error)', errorJson('Install', 0x80240016, 'Exception from HRESULT: 0x80240016'), 1, 'E_PKG_LOCKED'],
  ] as const)('maps %s to its error code', async (_what, stdout, exitCode, code) => {
    const { pm } = adapter([{ match: ps('Install', `-UpdateIds ${IDS.KB5021233}`), stdout, exitCode }]);
    const result = await pm.apply(lcuPlan, { timeoutMs: 60_000 });
    expect(result).toMatchObject({ ok: false, errorCode: code, rebootRequired: false });
    expect(result.packages[0]).toMatchObject({ name: 'KB5021233', ok: false, errorCode: code, after: null });
  });

  it('reports a script that could not run (execution policy) and a timeout', async () => {
    const blocked = adapter([{ match: ps('Install', `-UpdateIds ${IDS.KB5021233}`), exitCode: 2, stderr: 'File C:\\x\\wua.ps1 cannot be loaded because running scripts is disabled on this system.' }]);
    expect((await blocked.pm.apply(lcuPlan, { timeoutMs: 1000 })).packages[0]?.errorCode).toBe('E_PKG_FAILED');
    const slow = adapter([{ match: ps('Install', `-UpdateIds ${IDS.KB5021233}`), timedOut: true }]);
    expect(await slow.pm.apply(lcuPlan, { timeoutMs: 1000 })).toMatchObject({ ok: false, errorCode: 'E_PKG_TIMEOUT' });
    const query = adapter([{ match: ps('Search'), exitCode: 1, stdout: errorJson('Search', 0x8024402c, 'name not resolved') }]);
    await expect(query.pm.listUpdates()).rejects.toMatchObject({ code: 'E_PKG_DOWNLOAD_FAILED' });
  });

  it('reports a pending reboot from any of the three signals, and remembers its own installs', async () => {
    const { pm } = adapter([
      { match: ps('Reboot'), stdout: rebootJson(false, false, false), once: true },
      { match: ps('Install', `-UpdateIds ${IDS.KB5021233}`), stdout: installJson([{ id: IDS.KB5021233, kb: '5021233', resultCode: 2, reboot: true }]) },
      { match: ps('Reboot'), stdout: rebootJson(false, false, true) },
    ]);
    expect(await pm.rebootRequired()).toEqual({ required: false, reasons: [], packages: [] });
    await pm.apply(lcuPlan, { timeoutMs: 60_000 });
    const state = await pm.rebootRequired();
    expect(state.required).toBe(true);
    expect(state.reasons).toEqual(['WindowsUpdate\\Auto Update\\RebootRequired exists', 'Windows Update installed KB5021233 and asked for a restart']);
  });

  it('lists installed programs and KBs with the host architecture', async () => {
    const { pm } = adapter([{ match: ps('Installed'), stdout: installedJson() }]);
    const installed = await pm.listInstalled();
    expect(installed.find((p) => p.name === 'Git')).toEqual({ manager: 'windows-update', name: 'Git', version: '2.35.1.2', arch: 'x64' });
    expect(installed.filter((p) => p.name.startsWith('KB')).map((p) => p.name)).toEqual(['KB5020872', 'KB4562830']);
  });

  it('rolls back with wusa where Windows allows it and says E_ROLLBACK_UNSUPPORTED where it does not', async () => {
    const installed = JSON.stringify({
      Action: 'InstalledUpdates',
      ResultCode: 2,
      Updates: [
        { Title: 'KB5021233', Identity: { UpdateID: IDS.KB5021233, RevisionNumber: 200 }, KBArticleIDs: ['5021233'], IsUninstallable: true },
        { Title: 'SSU', Identity: { UpdateID: IDS.KB5012170, RevisionNumber: 200 }, KBArticleIDs: ['5012170'], IsUninstallable: false },
        { Title: '.NET', Identity: { UpdateID: IDS.KB5021088, RevisionNumber: 200 }, KBArticleIDs: ['5021088'], IsUninstallable: true },
      ],
    });
    const { exec, pm } = adapter([
      { match: ps('InstalledUpdates'), stdout: installed },
      { match: wusa('5021233'), exitCode: 3010 },
      { match: wusa('5021088'), exitCode: 1618 },
    ]);
    const result = await pm.rollback(
      [
        { name: 'KB5021233', version: null },
        { name: IDS.KB5012170, version: null },
        { name: 'KB5021088', version: null },
        { name: 'KB5020872', version: '1' },
        { name: 'KB5000000', version: null },
      ],
      { timeoutMs: 600_000 },
    );
    expect(result.packages.map((p) => [p.name, p.ok, p.errorCode])).toEqual([
      ['KB5021233', true, undefined],
      [IDS.KB5012170, false, 'E_ROLLBACK_UNSUPPORTED'],
      ['KB5021088', false, 'E_PKG_LOCKED'],
      ['KB5020872', true, undefined],
      ['KB5000000', true, undefined],
    ]);
    expect(result.rebootRequired).toBe(true);
    expect(exec.lines().filter((l) => l.startsWith(WUSA))).toEqual([`${WUSA} /uninstall /kb:5021233 /quiet /norestart`, `${WUSA} /uninstall /kb:5021088 /quiet /norestart`]);
  });

  it('reads the Windows Update Agent version', async () => {
    const { pm } = adapter([{ match: ps('Version'), stdout: '{"Action":"Version","ProductVersionString":"10.0.19041.3636","ApiMajorVersion":8,"ApiMinorVersion":0}' }]);
    expect(await pm.version()).toBe('10.0.19041.3636');
  });

  it.each(HOSTILE)('rejects the hostile id %j with E_INVALID_PACKAGE_NAME before any process starts', async (name) => {
    const { exec, pm } = adapter([]);
    const rejected = (p: Promise<unknown>) => expect(p).rejects.toSatisfy((e) => e instanceof PatchwaveError && e.code === 'E_INVALID_PACKAGE_NAME');
    await rejected(pm.plan({ packages: [{ name }] }));
    await rejected(pm.plan({ advisories: [name] }));
    await rejected(pm.plan({ packages: [{ name: 'KB5021233', version: name }] }));
    await rejected(pm.apply({ ...lcuPlan, targets: [name] }, { timeoutMs: 1000 }));
    await rejected(pm.apply({ ...lcuPlan, targets: [IDS.KB5021233, name] }, { timeoutMs: 1000 }));
    await rejected(pm.rollback([{ name, version: null }], { timeoutMs: 1000 }));
    expect(exec.calls).toEqual([]);
  });
});
