import { spawn } from 'node:child_process';

export interface RunToolOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes written to the tool's standard input. */
  input?: string | Buffer;
  /** Kill the tool after this many milliseconds (default 10 minutes). */
  timeoutMs?: number;
  /** Exit codes that count as success (default [0]). */
  okCodes?: readonly number[];
  /** Windows only: start a .cmd shim (npm.cmd) through cmd.exe. Never with user input. */
  shell?: boolean;
}

export interface RunToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A build tool that exited badly; carries the command line and the tail of its output. */
export class ToolError extends Error {
  constructor(
    readonly file: string,
    readonly args: readonly string[],
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-15).join('\n');
    const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
    super(`${file} ${args.join(' ')} failed with ${how}${tail ? `:\n${tail}` : ''}`);
    this.name = 'ToolError';
  }
}

/**
 * Runs a build tool with an argument array (never a shell) and collects its output.
 * Build scripts and packaging tests only: the agent spawns through agent/src/exec.
 */
export function runTool(file: string, args: readonly string[], options: RunToolOptions = {}): Promise<RunToolResult> {
  const okCodes = options.okCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 600_000,
      windowsHide: true,
      shell: options.shell ?? false,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new Error(`cannot run ${file}: ${error.message}`, { cause: error })));
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== null && okCodes.includes(code)) resolve({ code, stdout, stderr });
      else reject(new ToolError(file, args, code, signal, stdout, stderr));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}

/** True when `file` can be found on PATH (used to skip platform-only steps such as codesign). */
export async function hasTool(file: string): Promise<boolean> {
  const probe = process.platform === 'win32' ? 'where' : 'which';
  try {
    await runTool(probe, [file], { timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}
