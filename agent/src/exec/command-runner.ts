import type { ErrorCode } from '@patchwave/shared';
import { PatchwaveError } from '@patchwave/shared';

/** One process to run. Always an argument array: there is no shell anywhere in patchwave. */
export interface CommandSpec {
  command: string;
  args: readonly string[];
  /** Added to a minimal environment that always has LC_ALL=C and LANG=C. */
  env?: Record<string, string>;
  timeoutMs: number;
  input?: string;
  cwd?: string;
  /** Open fd 3 as an extra output pipe (apt's APT::Status-Fd=3). */
  statusFd?: boolean;
  /** Exit codes that count as success (default [0]); other codes raise CommandError. */
  okExitCodes?: readonly number[];
  /**
   * Run as this POSIX user instead of the agent's own (Homebrew refuses to run as root). Only a
   * root agent can switch; supplementary groups are dropped. Set HOME/USER in `env` to match.
   */
  runAs?: { uid: number; gid: number };
}

export interface CommandResult {
  command: string;
  args: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** What the process wrote on fd 3 when `statusFd` was set. */
  status: string;
  durationMs: number;
}

/** The only way the agent runs a process. Implementations: ExecaCommandRunner, ReplayCommandRunner. */
export interface CommandRunner {
  run(spec: CommandSpec): Promise<CommandResult>;
}

const TAIL_CHARS = 4000;

export function tail(text: string, chars: number = TAIL_CHARS): string {
  return text.length <= chars ? text : text.slice(text.length - chars);
}

export interface CommandFailure {
  command: string;
  args: readonly string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  notFound: boolean;
  stdout: string;
  stderr: string;
  status: string;
}

/** A command that failed: carries the command, its arguments, exit code, signal and output tails. */
export class CommandError extends PatchwaveError {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly stdoutTail: string;
  readonly stderrTail: string;
  /** Full outputs, for parsers that read a failed run (apt's pmerror lines, zypper's XML). */
  readonly stdout: string;
  readonly stderr: string;
  readonly status: string;

  constructor(failure: CommandFailure, options?: { cause?: unknown }) {
    const code: ErrorCode = failure.notFound
      ? 'E_COMMAND_NOT_FOUND'
      : failure.timedOut
        ? 'E_COMMAND_TIMEOUT'
        : 'E_COMMAND_FAILED';
    const how = failure.notFound
      ? 'was not found'
      : failure.timedOut
        ? 'timed out'
        : failure.signal
          ? `was killed by ${failure.signal}`
          : `exited with ${failure.exitCode}`;
    super(code, `${[failure.command, ...failure.args].join(' ')} ${how}`, {
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
      details: { command: failure.command, args: failure.args, exitCode: failure.exitCode, signal: failure.signal },
    });
    this.name = 'CommandError';
    this.command = failure.command;
    this.args = failure.args;
    this.exitCode = failure.exitCode;
    this.signal = failure.signal;
    this.timedOut = failure.timedOut;
    this.stdout = failure.stdout;
    this.stderr = failure.stderr;
    this.status = failure.status;
    this.stdoutTail = tail(failure.stdout);
    this.stderrTail = tail(failure.stderr);
  }
}
