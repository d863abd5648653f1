import { PatchwaveError } from '@patchwave/shared';
import type { CommandRunner, CommandSpec } from '../exec/command-runner.js';

/** Asks the operating system to restart. Returns once the request is accepted; the restart follows. */
export interface Rebooter {
  reboot(reason: string): Promise<void>;
}

const WINDOWS_COMMENT = 'patchwave: restarting to finish installing updates';

/** The command that restarts this OS: fixed argument arrays, never a shell. */
export function rebootCommand(platform: NodeJS.Platform): CommandSpec {
  switch (platform) {
    case 'linux':
      return { command: 'systemctl', args: ['reboot'], timeoutMs: 60_000 };
    case 'darwin':
      return { command: 'shutdown', args: ['-r', 'now'], timeoutMs: 60_000 };
    case 'win32':
      // /t 60: a minute's notice to signed-in users; /d p:2:17: planned, operating system hot fix.
      return { command: 'shutdown', args: ['/r', '/t', '60', '/d', 'p:2:17', '/c', WINDOWS_COMMENT], timeoutMs: 60_000 };
    default:
      throw new PatchwaveError('E_NOT_SUPPORTED', `rebooting is not supported on ${platform}`);
  }
}

/**
 * Reboots through the OS with the command runner: `systemctl reboot` on Linux (falling back to
 * `shutdown -r now` where systemctl is missing), `shutdown -r now` on macOS, `shutdown /r` on
 * Windows.
 */
export class CommandRebooter implements Rebooter {
  constructor(
    private readonly exec: CommandRunner,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  async reboot(_reason: string): Promise<void> {
    const spec = rebootCommand(this.platform);
    try {
      await this.exec.run(spec);
    } catch (err) {
      if (this.platform === 'linux' && err instanceof PatchwaveError && err.code === 'E_COMMAND_NOT_FOUND') {
        await this.exec.run({ command: 'shutdown', args: ['-r', 'now'], timeoutMs: 60_000 });
        return;
      }
      throw err;
    }
  }
}

/** A rebooter for tests and simulations: records each request; fails when told to. */
export class RecordingRebooter implements Rebooter {
  readonly requests: string[] = [];
  failWith: Error | null = null;

  async reboot(reason: string): Promise<void> {
    this.requests.push(reason);
    if (this.failWith) throw this.failWith;
  }
}
