import { execa, type ExecaError } from 'execa';
import { CommandError, type CommandResult, type CommandRunner, type CommandSpec } from './command-runner.js';

/** Variables a package manager may need; everything else from the agent's environment is dropped. */
const PASSTHROUGH_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'TMPDIR', 'SystemRoot', 'ProgramData', 'windir', 'COMSPEC'];

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { LC_ALL: 'C', LANG: 'C' };
  for (const key of PASSTHROUGH_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map((v) => text(v)).join('\n');
  return '';
}

/** Runs processes with execa: argument array, no shell, LC_ALL=C, a timeout, no stdin unless given. */
export class ExecaCommandRunner implements CommandRunner {
  async run(spec: CommandSpec): Promise<CommandResult> {
    const started = Date.now();
    const okCodes = spec.okExitCodes ?? [0];
    try {
      const result = await execa(spec.command, [...spec.args], {
        shell: false,
        reject: false,
        env: { ...baseEnv(), ...spec.env },
        extendEnv: false,
        timeout: spec.timeoutMs,
        killSignal: 'SIGTERM',
        forceKillAfterDelay: 5000,
        stripFinalNewline: false,
        maxBuffer: 256 * 1024 * 1024,
        ...(spec.cwd ? { cwd: spec.cwd } : {}),
        ...(spec.runAs ? { uid: spec.runAs.uid, gid: spec.runAs.gid } : {}),
        // execa refuses `stdin` together with `stdio`: stdin is the first stdio entry instead.
        ...(spec.input !== undefined ? { input: spec.input } : {}),
        stdio: [spec.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe', ...(spec.statusFd ? ['pipe' as const] : [])],
      });
      const stdout = text(result.stdout);
      const stderr = text(result.stderr);
      const status = spec.statusFd ? text(result.stdio[3]) : '';
      const notFound = result.failed && result.exitCode === undefined && /ENOENT/.test(String(result.message));
      if (result.timedOut || result.exitCode === undefined || !okCodes.includes(result.exitCode)) {
        throw new CommandError({
          command: spec.command,
          args: spec.args,
          exitCode: result.exitCode ?? null,
          signal: result.signal ?? null,
          timedOut: result.timedOut,
          notFound,
          stdout,
          stderr,
          status,
        }, { cause: result.cause ?? undefined });
      }
      return { command: spec.command, args: spec.args, exitCode: result.exitCode, stdout, stderr, status, durationMs: Date.now() - started };
    } catch (err) {
      if (err instanceof CommandError) throw err;
      const e = err as Partial<ExecaError> & Error;
      throw new CommandError(
        {
          command: spec.command,
          args: spec.args,
          exitCode: typeof e.exitCode === 'number' ? e.exitCode : null,
          signal: e.signal ?? null,
          timedOut: Boolean(e.timedOut),
          notFound: (e as NodeJS.ErrnoException).code === 'ENOENT',
          stdout: text(e.stdout),
          stderr: text(e.stderr),
          status: '',
        },
        { cause: err },
      );
    }
  }
}
