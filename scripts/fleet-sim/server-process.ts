import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_BIN = fileURLToPath(new URL('../../server/bin/patchwave.js', import.meta.url));

/**
 * Where benchmark databases live: PATCHWAVE_BENCH_TMP if set, else /dev/shm (tmpfs) when there is
 * one, else the OS temp dir. On tmpfs the figures are the server's own cost, not the fsync latency
 * of whatever disk (shared with other work) the machine has; set PATCHWAVE_BENCH_TMP to a disk
 * path to include it.
 */
export function benchTmpDir(): string {
  if (process.env.PATCHWAVE_BENCH_TMP) return process.env.PATCHWAVE_BENCH_TMP;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** File descriptors a process holding 20,000 sockets needs (and a little more). */
export const NOFILE = 65_536;

/** This process's open-files limits (soft, hard), from /proc/self/limits. */
export function fileLimits(): { soft: number; hard: number } {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const n = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
  return { soft: n(line?.[1]), hard: n(line?.[2]) };
}

/**
 * The command prefix that raises the open-files limit of a child (`prlimit`, util-linux) to
 * `NOFILE`, or, where that is not permitted (no CAP_SYS_RESOURCE to raise the hard limit, as in
 * some containers), to the hard limit. The returned `limit` says what the child got.
 */
export function withFileLimit(argv: string[]): { argv: string[]; limit: number } {
  for (const n of [NOFILE, fileLimits().hard]) {
    if (!Number.isFinite(n)) continue;
    const probe = spawnSync('prlimit', [`--nofile=${n}:${n}`, '--', process.execPath, '-e', '0']);
    if (probe.status === 0) return { argv: ['prlimit', `--nofile=${n}:${n}`, '--', ...argv], limit: n };
  }
  return { argv, limit: fileLimits().soft };
}

/** RSS, peak RSS (kB) and CPU time (ms) of a live process, from /proc. */
export function procStats(pid: number): { rssKb: number; hwmKb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // Fields after the command name (which may contain spaces) of /proc/PID/stat: utime is 14th, stime 15th overall.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), cpuMs: (ticks * 1000) / 100 };
}

export interface BenchServer {
  child: ChildProcess;
  pid: number;
  url: string;
  port: number;
  token: string;
  /** The server's open-files limit: it can hold about this many agents, less a few dozen. */
  fileLimit: number;
  output(): string;
  /** SIGKILL (a crash), or SIGTERM (an orderly stop); resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A real `patchwave server start` process on `dataDir` with its open-files limit raised, a config
 * file (heartbeat, deployment tick, agent rate limits) and warn-level logs (20,000 "agent connected"
 * lines at info level would measure the log pipe). Resolves once it listens.
 */
export async function startBenchServer(dataDir: string, port: number, config: object, token?: string): Promise<BenchServer> {
  const configFile = join(dataDir, '..', `server-${port}.json`);
  writeFileSync(configFile, JSON.stringify({ logLevel: 'warn', vulnerabilities: { snapshotBackfillDays: 0 }, ...config }));
  // PATCHWAVE_BENCH_PROFILE=DIR: the server writes a V8 CPU profile there when it stops (SIGTERM).
  const profile = process.env.PATCHWAVE_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PATCHWAVE_BENCH_PROFILE}`] : [];
  const { argv, limit } = withFileLimit([process.execPath, ...profile, SERVER_BIN, 'server', 'start', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port), '--config', configFile]);
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer) => {
    out = (out + c.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit');
  const started = Date.now();
  let admin = token;
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    admin ??= /(pwt_[A-Za-z0-9_-]{43})/.exec(out)?.[1];
    if (url && admin) break;
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${out.slice(-3000)}`);
    // A first start on a freshly provisioned fleet matches every stored inventory before it listens.
    if (Date.now() - started > 600_000) throw new Error(`server did not start within 600 s: ${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // With prlimit in between, the server is prlimit's exec'd image: same pid.
  const pid = child.pid as number;
  return {
    child,
    pid,
    url: `http://127.0.0.1:${port}`,
    port,
    token: admin,
    fileLimit: limit,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Minimal admin API client (Bearer token). */
export async function api<T>(server: { url: string; token: string }, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
