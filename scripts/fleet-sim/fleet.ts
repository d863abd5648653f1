import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { assertLoopback, DEFAULT_SIM_OPTIONS, type SimIdentity, type SimOptions } from './options.js';
import type { ControllerMessage, WorkerMessage } from './sim-worker.js';
import { sumStats, type WorkerStats } from './worker-stats.js';

const WORKER = fileURLToPath(new URL('./sim-worker.ts', import.meta.url));

let bundled: Promise<string> | undefined;

/**
 * The worker bundled once per process (esbuild, like the agent's release build): a worker then
 * starts in a fraction of a second instead of transpiling the TypeScript sources through tsx.
 * The bundle reads its fixtures from this folder (their path is resolved at bundle time).
 */
function workerBundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchwave-fleet-sim-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, 'sim-worker.mjs');
    await build({
      entryPoints: [WORKER],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      conditions: ['source'],
      banner: { js: "import { createRequire as __pwCreateRequire } from 'node:module'; const require = __pwCreateRequire(import.meta.url);" },
      define: { 'process.env.WS_NO_BUFFER_UTIL': '"1"', 'process.env.WS_NO_UTF_8_VALIDATE': '"1"', FLEET_SIM_FIXTURES: JSON.stringify(fileURLToPath(new URL('./fixtures/', import.meta.url))) },
      external: ['bufferutil', 'utf-8-validate'],
      logLevel: 'silent',
    });
    return outfile;
  })();
  return bundled;
}

export interface FleetOptions extends Partial<Omit<SimOptions, 'wsUrl'>> {
  wsUrl: string;
  identities: readonly SimIdentity[];
  /** Worker processes (each holds identities / workers sockets on its own event loop). Default 4. */
  workers?: number;
  seed?: number;
}

/**
 * A simulated fleet: N agents spread over a few worker processes (child processes, so that each
 * has its own event loop, heap and file-descriptor budget), controlled over IPC. `stop()` ends it;
 * without it every worker still exits at its `maxRunMs`.
 */
export class Fleet {
  private req = 0;
  private readonly waiting = new Map<number, { resolve: (m: WorkerMessage & { t: 'reply' }) => void; got: (WorkerMessage & { t: 'reply' })[]; need: number }>();
  private readonly exited: Promise<void>[];

  private constructor(private readonly children: ChildProcess[]) {
    this.exited = children.map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
    for (const child of children) {
      child.on('message', (raw) => {
        const m = raw as WorkerMessage;
        if (m.t === 'fatal') process.stderr.write(`fleet-sim worker failed: ${m.message}\n`);
        if (m.t !== 'reply') return;
        const w = this.waiting.get(m.req);
        if (!w) return;
        w.got.push(m);
        if (w.got.length === w.need) {
          this.waiting.delete(m.req);
          w.resolve(m);
        }
      });
    }
  }

  static async start(options: FleetOptions): Promise<Fleet> {
    assertLoopback(options.wsUrl);
    const { identities, workers = 4, seed = 1, ...rest } = options;
    const sim: SimOptions = { ...DEFAULT_SIM_OPTIONS, ...rest };
    const n = Math.max(1, Math.min(workers, identities.length));
    const worker = await workerBundle();
    const children = Array.from({ length: n }, () => fork(worker, [], { execArgv: ['--max-old-space-size=4096'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const fleet = new Fleet(children);
    await Promise.all(
      children.map((child, w) => {
        const share = identities.filter((_, i) => i % n === w);
        return new Promise<void>((resolve, reject) => {
          const onMessage = (raw: unknown) => {
            const m = raw as WorkerMessage;
            if (m.t === 'ready') resolve();
            else if (m.t === 'fatal') reject(new Error(m.message));
            else return;
            child.off('message', onMessage);
          };
          child.on('message', onMessage);
          child.once('exit', (code) => reject(new Error(`fleet-sim worker exited with ${code} before it was ready`)));
          const message: ControllerMessage = { t: 'start', identities: share, options: { ...sim, rampPerSecond: sim.rampPerSecond / n }, seed: seed * 1000 + w };
          child.send(message);
        });
      }),
    );
    return fleet;
  }

  private ask(make: (req: number) => ControllerMessage): Promise<(WorkerMessage & { t: 'reply' })[]> {
    const req = ++this.req;
    const live = this.children.filter((c) => c.connected);
    if (live.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const entry = { resolve: () => resolve(entry.got), got: [] as (WorkerMessage & { t: 'reply' })[], need: live.length };
      this.waiting.set(req, entry);
      for (const c of live) c.send(make(req));
    });
  }

  /** Counters summed over the workers; `drainMarks` also takes (and clears) the job marks and intervals. */
  async stats(drainMarks = false): Promise<WorkerStats> {
    return sumStats((await this.ask((req) => ({ t: 'stats', req, drainMarks }))).map((r) => r.stats as WorkerStats));
  }

  /** Restarts (reboots) about `fraction` of the connected agents; they come back after `downMs`. */
  async restart(fraction: number, downMs: number): Promise<number> {
    return (await this.ask((req) => ({ t: 'restart', req, fraction, downMs }))).reduce((n, r) => n + (r.restarted ?? 0), 0);
  }

  /** While on, apply results are held back (not sent) until `release`. */
  async hold(on: boolean): Promise<void> {
    await this.ask((req) => ({ t: 'hold', req, on }));
  }

  /** Sends up to `count` held results per worker at `perSecond` in total (0: all at once). */
  async release(count: number, perSecond: number): Promise<number> {
    const n = this.children.filter((c) => c.connected).length || 1;
    return (await this.ask((req) => ({ t: 'release', req, count, perSecond: perSecond / n }))).reduce((sum, r) => sum + (r.restarted ?? 0), 0);
  }

  /** Polls the summed counters until `check` holds; throws with the last counters after `timeoutMs`. */
  async waitFor(what: string, check: (s: WorkerStats) => boolean, timeoutMs: number, intervalMs = 250): Promise<WorkerStats> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.stats();
      if (check(s)) return s;
      if (Date.now() > deadline) {
        const { marks: _m, intervals: _i, ...counters } = s;
        throw new Error(`fleet-sim: timed out after ${timeoutMs} ms waiting for ${what}; last counters ${JSON.stringify(counters)}`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  /** Process ids of the workers (for CPU and memory readings). */
  get pids(): number[] {
    return this.children.map((c) => c.pid ?? 0).filter(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.race([this.ask((req) => ({ t: 'stop', req })), new Promise((r) => setTimeout(r, 5000))]);
    const killer = setTimeout(() => this.children.forEach((c) => c.kill('SIGKILL')), 10_000);
    await Promise.all(this.exited);
    clearTimeout(killer);
  }
}

/** Spreads agents over 127.0.0.1 … 127.0.0.`spread` (Linux routes all of 127.0.0.0/8 to loopback). */
export function loopbackAddress(index: number, spread = 32): string {
  return `127.0.0.${1 + (index % spread)}`;
}
