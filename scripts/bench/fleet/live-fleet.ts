import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Fleet } from '../../fleet-sim/fleet.js';
import type { SimIdentity, SimOptions } from '../../fleet-sim/options.js';
import { provisionFleet } from '../../fleet-sim/provision.js';
import { benchTmpDir, procStats, startBenchServer, type BenchServer } from '../../fleet-sim/server-process.js';
import { freePort } from '../../../test/support/processes.js';

export interface LiveOptions {
  idleAgents: number;
  waveAgents: number;
  packages: number;
  workers: number;
  heartbeatSeconds: number;
  jobLatencyMs: [number, number];
  failureRate: number;
  rampPerSecond: number;
  backoffCapMs: number;
}

/**
 * A real server with a simulated fleet on it: `idleAgents` devices provisioned (the first
 * `waveAgents` tagged `wave`, the rest `idle`), the wave fleet and the idle fleet in separate
 * worker groups so the idle one can leave after the density reading.
 */
export class LiveFleet {
  server!: BenchServer;
  wave!: Fleet;
  idle: Fleet | null = null;
  identities: SimIdentity[] = [];
  emptyRssKb = 0;
  readonly dir = mkdtempSync(join(benchTmpDir(), 'patchwave-bench-fleet-'));
  readonly dataDir = join(this.dir, 'data');
  port = 0;
  readonly serverConfig: object;

  constructor(readonly o: LiveOptions) {
    this.serverConfig = {
      heartbeatSeconds: o.heartbeatSeconds,
      deployments: { tickSeconds: 1, answerGraceMinutes: 5 },
      agent: { messagesPerSecond: 50, burst: 200 },
    };
  }

  simOptions(): Partial<SimOptions> {
    return {
      packages: this.o.packages,
      jobLatencyMs: this.o.jobLatencyMs,
      failureRate: this.o.failureRate,
      rampPerSecond: this.o.rampPerSecond,
      backoffCapMs: this.o.backoffCapMs,
      maxRunMs: 14 * 60_000,
    };
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/api/v1/agent`;
  }

  async start(): Promise<{ provisionMs: number; connectWaveMs: number; connectIdleMs: number }> {
    const t0 = Date.now();
    // Inventories are stored with the devices: agents connect without a first full report (the
    // ingest section measures reports); the first connection then costs what a reconnect costs.
    this.identities = await provisionFleet(this.dataDir, {
      count: this.o.idleAgents,
      tags: (i) => ['fleet-sim', i < this.o.waveAgents ? 'wave' : 'idle'],
      inventoryPackages: this.o.packages,
    });
    const provisionMs = Date.now() - t0;
    this.port = await freePort();
    this.server = await startBenchServer(this.dataDir, this.port, this.serverConfig);
    this.emptyRssKb = procStats(this.server.pid).rssKb;
    const t1 = Date.now();
    this.wave = await Fleet.start({ ...this.simOptions(), wsUrl: this.wsUrl, identities: this.identities.slice(0, this.o.waveAgents), workers: this.o.workers, seed: 11 });
    const n = this.o.waveAgents;
    await this.wave.waitFor(`${n} agents connected`, (s) => s.connected >= n, 900_000, 500);
    const connectWaveMs = Date.now() - t1;
    const t2 = Date.now();
    const rest = this.identities.slice(this.o.waveAgents);
    if (rest.length > 0) {
      this.idle = await Fleet.start({ ...this.simOptions(), wsUrl: this.wsUrl, identities: rest, workers: this.o.workers, seed: 12 });
      await this.idle.waitFor(`${rest.length} more agents connected`, (s) => s.connected >= rest.length, 900_000, 500);
    }
    return { provisionMs, connectWaveMs, connectIdleMs: Date.now() - t2 };
  }

  /** Connected agents over both fleets. */
  async connected(): Promise<number> {
    return (await this.wave.stats()).connected + (this.idle ? (await this.idle.stats()).connected : 0);
  }

  async dropIdle(): Promise<void> {
    await this.idle?.stop();
    this.idle = null;
  }

  async close(): Promise<void> {
    await this.idle?.stop();
    await this.wave?.stop();
    // A profiled server (PATCHWAVE_BENCH_PROFILE) writes its profile only when it exits by itself.
    await this.server?.stop(process.env.PATCHWAVE_BENCH_PROFILE ? 'SIGTERM' : 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
