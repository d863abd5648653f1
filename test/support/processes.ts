import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const SERVER_BIN = fileURLToPath(new URL('../../server/bin/patchwave.js', import.meta.url));
export const AGENT_BIN = fileURLToPath(new URL('../../agent/bin/patchwave-agent.js', import.meta.url));

/** A real child process with its output collected and its exit awaited. */
export interface Proc {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  isRunning(): boolean;
}

export function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  let running = true;
  const exited = once(child, 'exit').then(([code]) => {
    running = false;
    return code as number | null;
  });
  return { child, stdout: () => out, stderr: () => err, exited, isRunning: () => running };
}

/**
 * Polls a condition until it holds. The condition is what the test waits for; the deadline exists
 * only to turn a hang into a readable failure.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 60_000, intervalMs = 100, proc }: { timeoutMs?: number; intervalMs?: number; proc?: Proc } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (proc && !proc.isRunning()) {
      throw new Error(`${what}: process exited early\nstdout: ${proc.stdout().slice(-2000)}\nstderr: ${proc.stderr().slice(-4000)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until a process prints a line matching `pattern` on stdout. */
export function printed(proc: Proc, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpExecArray> {
  return waitFor(`${pattern} on stdout`, () => pattern.exec(proc.stdout()) ?? undefined, { timeoutMs, intervalMs: 50, proc });
}

/** A TCP port that was free a moment ago (so a restarted server can listen on the same one). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const address = srv.address();
  srv.close();
  await once(srv, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function stop(proc: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (proc.isRunning()) proc.child.kill(signal);
  return proc.exited;
}

/** Starts `patchwave server start` on a data dir and port; resolves with its URL and first-start admin token. */
export async function startServer(dataDir: string, port: number, extraArgs: string[] = []): Promise<{ proc: Proc; url: string; token?: string }> {
  const proc = spawnNode(SERVER_BIN, ['server', 'start', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port), ...extraArgs]);
  const url = (await printed(proc, /listening on (http:\/\/\S+)/))[1] as string;
  // First start prints the admin token once; later starts say it already exists.
  const token = (await printed(proc, /(pwt_[A-Za-z0-9_-]{43})|admin token: created at first start/))[1];
  return { proc, url, ...(token ? { token } : {}) };
}

/** Runs the operator CLI to completion. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnNode(SERVER_BIN, args, env);
  const code = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}
