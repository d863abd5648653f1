import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ReplayCommandRunner, type Replay } from '../../exec/replay-runner.js';
import { MemoryHostFiles } from '../host-files.js';
import type { HostDescription } from '../host.js';
import type { Plan } from '../package-manager.js';
import { PacmanPackageManager } from './adapter.js';
import { detectPacman } from './detect.js';

const log = pino({ level: 'silent' });
const arch: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'arch' }, executables: new Set(['pacman']) };
const HOSTILE = ['--allow-unauthenticated', '-oAPT::Get::AllowUnauthenticated=1', 'foo; rm -rf /', 'foo\nbar', '$(id)', 'Foo Bar'];

function adapter(replays: Replay[], opts: { executables?: string[]; files?: Record<string, string> } = {}): { pm: PacmanPackageManager; exec: ReplayCommandRunner } {
  const exec = new ReplayCommandRunner(replays);
  const host = { ...arch, executables: new Set(opts.executables ?? ['pacman']) };
  return { pm: new PacmanPackageManager({ exec, log, host, files: new MemoryHostFiles(opts.files ?? {}) }), exec };
}

describe('detect', () => {
  it('finds pacman on Arch and its derivatives only', () => {
    expect(detectPacman(arch)).toBe(true);
    expect(detectPacman({ ...arch, osRelease: { ID: 'manjaro', ID_LIKE: 'arch' } })).toBe(true);
    expect(detectPacman({ ...arch, osRelease: { ID: 'debian' } })).toBe(false);
    expect(detectPacman({ ...arch, executables: new Set(['bash']) })).toBe(false);
  });
});

describe('hostile names never reach a process', () => {
  for (const name of HOSTILE) {
    it(`rejects ${JSON.stringify(name)}`, async () => {
      const { pm, exec } = adapter([]);
      await expect(pm.plan({ packages: [{ name }] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.plan({ advisories: [name] })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.rollback([{ name, version: '1.0-1' }], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      await expect(pm.rollback([{ name: 'bash', version: name }], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      const plan: Plan = { manager: 'pacman', selection: { all: true }, changes: [{ kind: 'upgrade', name, arch: 'x86_64', from: '1-1', to: '2-1' }], unresolved: [], notes: [], targets: [] };
      await expect(pm.apply(plan, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'E_INVALID_PACKAGE_NAME' });
      expect(exec.calls).toEqual([]);
    });
  }
});

describe('updates and reboot on the host', () => {
  it('prefers checkupdates (exit 2 = nothing) over pacman -Qu when it is installed', async () => {
    const { pm, exec } = adapter([{ match: { command: 'checkupdates', args: [] }, exitCode: 2 }], { executables: ['pacman', 'checkupdates'] });
    expect(await pm.listUpdates()).toEqual([]);
    expect(exec.lines()).toEqual(['checkupdates']);
  });

  it('needs a reboot when the running kernel modules are gone, not when a package owns them', async () => {
    const uname = { match: { command: 'uname', args: ['-r'] }, stdout: '6.6.1-arch1-1\n' };
    const gone = adapter([uname, { match: /pacman --color never -Qo -- \/usr\/lib\/modules\/6\.6\.1-arch1-1$/, exitCode: 1, stderr: 'error: No package owns /usr/lib/modules/6.6.1-arch1-1\n' }]);
    expect(await gone.pm.rebootRequired()).toEqual({ required: true, reasons: ['running kernel 6.6.1-arch1-1 is no longer installed (/usr/lib/modules/6.6.1-arch1-1 is gone)'], packages: [] });
    const owned = adapter([uname, { match: /-Qo/, stdout: '/usr/lib/modules/6.6.1-arch1-1/ is owned by linux 6.6.1.arch1-1\n' }]);
    expect((await owned.pm.rebootRequired()).required).toBe(false);
    const custom = adapter([uname, { match: /-Qo/, exitCode: 1, stderr: 'error: No package owns /usr/lib/modules/6.6.1-arch1-1\n' }], { files: { '/usr/lib/modules/6.6.1-arch1-1': '' } });
    expect((await custom.pm.rebootRequired()).required).toBe('unknown');
  });
});
