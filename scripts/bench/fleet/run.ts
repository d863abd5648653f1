import { bareReference } from './bare-reference.js';
import { agentFootprint } from './footprint.js';
import { idleDensity } from './idle.js';
import { inventoryIngest } from './ingest.js';
import { LiveFleet } from './live-fleet.js';
import { pacedWave } from './paced.js';
import { rpcPath } from './rpc.js';
import { reconnectStorm } from './storm.js';
import { printRows, type SectionResult } from './table.js';
import { waveDelivery } from './wave.js';

export const SECTIONS = ['idle', 'wave', 'paced', 'storm', 'ingest', 'footprint', 'rpc'] as const;
export type Section = (typeof SECTIONS)[number];

export interface FleetBenchOptions {
  sections: readonly Section[];
  idleAgents: number;
  waveAgents: number;
  /** Packages per simulated device in the live fleet (the ingest benchmark always uses 2,000). */
  packages: number;
  workers: number;
  concurrency: number;
  heartbeatSeconds: number;
  idleWindowMs: number;
  settleMs: number;
  ingestDevices: number;
  footprintIdleMs: number;
  pacedPerSecond: number;
  jobLatencyMs: [number, number];
  /** Reconnect backoff ceiling of the simulated agents (the real agent's: 5 min). */
  backoffCapMs: number;
  timeoutMs: number;
}

export const FULL: FleetBenchOptions = {
  sections: SECTIONS,
  // The targets name 20,000 idle and 10,000 in waves. A run must fit 15 minutes on a 2-core
  // machine; at the rates the server reaches today (docs/benchmarks.md) these sizes do, and
  // `--agents 19500 --wave-agents 10000` asks for more (the open-files limit must allow it).
  idleAgents: 5_000,
  waveAgents: 2_000,
  packages: 20,
  workers: 4,
  concurrency: 500,
  heartbeatSeconds: 60,
  idleWindowMs: 30_000,
  settleMs: 5_000,
  ingestDevices: 50,
  footprintIdleMs: 60_000,
  pacedPerSecond: 5_000,
  jobLatencyMs: [500, 1500],
  backoffCapMs: 300_000,
  timeoutMs: 300_000,
};

export const QUICK: FleetBenchOptions = {
  ...FULL,
  idleAgents: 500,
  waveAgents: 500,
  packages: 100,
  workers: 2,
  concurrency: 50,
  heartbeatSeconds: 5,
  idleWindowMs: 3_000,
  settleMs: 500,
  ingestDevices: 20,
  footprintIdleMs: 3_000,
  pacedPerSecond: 1_000,
  jobLatencyMs: [100, 400],
  timeoutMs: 120_000,
};

/**
 * Runs the fleet benchmarks in order over one live server and fleet (idle → wave → paced → rpc →
 * storm), then the in-process ingest and the agent footprint. Prints each section's rows as it
 * ends; returns every result (figures and correctness checks).
 */
export async function runFleetBench(o: FleetBenchOptions, log: (line: string) => void = console.log): Promise<SectionResult[]> {
  const want = new Set(o.sections);
  const out: SectionResult[] = [];
  const done = (r: SectionResult) => {
    out.push(r);
    printRows(r.rows);
    for (const n of r.notes) log(`  note: ${n}`);
    log('');
  };
  const live = ['idle', 'wave', 'paced', 'storm', 'rpc'].some((s) => want.has(s as Section));
  if (live) {
    const t = Date.now();
    const bare = await bareReference({ waveAgents: o.waveAgents, idleAgents: want.has('idle') ? o.idleAgents : o.waveAgents, workers: o.workers, settleMs: o.settleMs });
    log(`bare ws reference: ${o.idleAgents} sockets, ${bare.perSocketKb.toFixed(1)} KB/socket (${((Date.now() - t) / 1000).toFixed(0)} s)`);
    const fleet = new LiveFleet({
      idleAgents: want.has('idle') ? o.idleAgents : o.waveAgents,
      waveAgents: o.waveAgents,
      packages: o.packages,
      workers: o.workers,
      heartbeatSeconds: o.heartbeatSeconds,
      jobLatencyMs: o.jobLatencyMs,
      failureRate: 0.05,
      rampPerSecond: 2000,
      backoffCapMs: o.backoffCapMs,
    });
    try {
      const started = await fleet.start();
      log(`live fleet: provisioned in ${(started.provisionMs / 1000).toFixed(1)} s, ${o.waveAgents} connected with inventory in ${(started.connectWaveMs / 1000).toFixed(1)} s, the rest in ${(started.connectIdleMs / 1000).toFixed(1)} s; server open files: ${fleet.server.fileLimit}`);
      if (want.has('idle')) done(await idleDensity(fleet, bare, { windowMs: o.idleWindowMs, settleMs: o.settleMs }));
      await fleet.dropIdle();
      if (want.has('wave')) done(await waveDelivery(fleet, bare, { timeoutMs: o.timeoutMs }));
      if (want.has('paced')) done(await pacedWave(fleet, { concurrency: o.concurrency, timeoutMs: o.timeoutMs }));
      if (want.has('rpc')) done(await rpcPath(fleet, { pacedPerSecond: o.pacedPerSecond, timeoutMs: o.timeoutMs }));
      if (want.has('storm')) done(await reconnectStorm(fleet, { timeoutMs: o.timeoutMs }));
    } finally {
      await fleet.close();
    }
  }
  if (want.has('ingest')) done(await inventoryIngest({ devices: o.ingestDevices }));
  if (want.has('footprint')) done(await agentFootprint({ idleMs: o.footprintIdleMs }));
  return out;
}
