import { describe, expect, it } from 'vitest';
import { ReplayCommandRunner } from '../exec/replay-runner.js';
import { CommandRebooter, RecordingRebooter, rebootCommand } from './rebooter.js';

describe('CommandRebooter', () => {
  it('runs systemctl reboot on Linux, with an argument array', async () => {
    const exec = new ReplayCommandRunner([{ match: { command: 'systemctl', args: ['reboot'] } }]);
    await new CommandRebooter(exec, 'linux').reboot('job j-1');
    expect(exec.lines()).toEqual(['systemctl reboot']);
  });

  it('falls back to shutdown -r now where systemctl is missing', async () => {
    const exec = new ReplayCommandRunner([
      { match: { command: 'systemctl', args: ['reboot'] }, notFound: true },
      { match: { command: 'shutdown', args: ['-r', 'now'] } },
    ]);
    await new CommandRebooter(exec, 'linux').reboot('job j-1');
    expect(exec.lines()).toEqual(['systemctl reboot', 'shutdown -r now']);
  });

  it('uses shutdown -r now on macOS and shutdown /r on Windows', async () => {
    const mac = new ReplayCommandRunner([{ match: { command: 'shutdown', args: ['-r', 'now'] } }]);
    await new CommandRebooter(mac, 'darwin').reboot('x');
    expect(mac.lines()).toEqual(['shutdown -r now']);
    const win = new ReplayCommandRunner([{ match: /^shutdown \/r \/t 60 \/d p:2:17 \/c / }]);
    await new CommandRebooter(win, 'win32').reboot('x');
    expect(win.calls[0]?.args).toEqual(['/r', '/t', '60', '/d', 'p:2:17', '/c', 'patchwave: restarting to finish installing updates']);
  });

  it('reports a refused reboot as the command error', async () => {
    const exec = new ReplayCommandRunner([{ match: { command: 'systemctl', args: ['reboot'] }, exitCode: 1, stderr: 'Access denied' }]);
    await expect(new CommandRebooter(exec, 'linux').reboot('x')).rejects.toMatchObject({ code: 'E_COMMAND_FAILED', exitCode: 1 });
  });

  it('knows no reboot command for other systems', () => {
    expect(() => rebootCommand('aix')).toThrow('rebooting is not supported on aix');
  });
});

describe('RecordingRebooter', () => {
  it('records requests and fails when told to', async () => {
    const r = new RecordingRebooter();
    await r.reboot('a');
    r.failWith = new Error('nope');
    await expect(r.reboot('b')).rejects.toThrow('nope');
    expect(r.requests).toEqual(['a', 'b']);
  });
});
