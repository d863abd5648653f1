import { CommandError, type CommandResult, type CommandRunner, type CommandSpec } from './command-runner.js';

/** A scripted answer for one command line. */
export interface Replay {
  /** Matches when the command and every argument are equal (a RegExp matches the joined line). */
  match: { command: string; args: readonly string[] } | RegExp;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  status?: string;
  /** Simulate a command that is not installed. */
  notFound?: boolean;
  /** Simulate a timeout. */
  timedOut?: boolean;
  /** Serve this answer once, then let later replays match (the same command before and after a change). */
  once?: boolean;
}

/**
 * Serves captured real output for the commands it is asked to run and records every request, so
 * adapter tests run without the host's tools and can assert exactly what would have been executed.
 * An unexpected command is an error: nothing runs that a test did not script.
 */
export class ReplayCommandRunner implements CommandRunner {
  readonly calls: CommandSpec[] = [];

  private readonly used = new Set<Replay>();

  constructor(private readonly replays: readonly Replay[]) {}

  async run(spec: CommandSpec): Promise<CommandResult> {
    this.calls.push(spec);
    const line = [spec.command, ...spec.args].join(' ');
    const replay = this.replays.find((r) =>
      !this.used.has(r) &&
      (r.match instanceof RegExp
        ? r.match.test(line)
        : r.match.command === spec.command &&
          r.match.args.length === spec.args.length &&
          r.match.args.every((a, i) => a === spec.args[i])),
    );
    if (!replay) throw new Error(`ReplayCommandRunner: no captured output for: ${line}`);
    if (replay.once) this.used.add(replay);
    const exitCode = replay.exitCode ?? 0;
    const out = { stdout: replay.stdout ?? '', stderr: replay.stderr ?? '', status: replay.status ?? '' };
    if (replay.notFound || replay.timedOut || !(spec.okExitCodes ?? [0]).includes(exitCode)) {
      throw new CommandError({
        command: spec.command,
        args: spec.args,
        exitCode: replay.notFound || replay.timedOut ? null : exitCode,
        signal: replay.timedOut ? 'SIGTERM' : null,
        timedOut: Boolean(replay.timedOut),
        notFound: Boolean(replay.notFound),
        ...out,
      });
    }
    return { command: spec.command, args: spec.args, exitCode, ...out, durationMs: 0 };
  }

  /** The command lines asked for, joined with spaces, for assertions. */
  lines(): string[] {
    return this.calls.map((c) => [c.command, ...c.args].join(' '));
  }
}
