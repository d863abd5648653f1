import { procStats } from '../../fleet-sim/server-process.js';
import type { BareFigures } from './bare-reference.js';
import type { LiveFleet } from './live-fleet.js';
import { kb, type SectionResult } from './table.js';

/**
 * 1. Idle density: every agent connected, inventory stored, heartbeating. Server RSS per agent
 * (growth over the empty server, divided by N) against the bare ws floor, and the server's CPU over
 * a window of heartbeats (plus the gateway's 30 s pings), as a share of one core.
 */
export async function idleDensity(live: LiveFleet, bare: BareFigures, o: { windowMs: number; settleMs: number }): Promise<SectionResult> {
  const n = live.o.idleAgents;
  await new Promise((r) => setTimeout(r, o.settleMs));
  const connected = await live.connected();
  const rssKb = procStats(live.server.pid).rssKb;
  const perAgentKb = (rssKb - live.emptyRssKb) / n;
  const aboveFloor = perAgentKb - bare.perSocketKb;
  const beats0 = (await live.wave.stats()).heartbeats + (live.idle ? (await live.idle.stats()).heartbeats : 0);
  const cpu0 = procStats(live.server.pid).cpuMs;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, o.windowMs));
  const cpu1 = procStats(live.server.pid).cpuMs;
  const elapsed = performance.now() - t0;
  const beats1 = (await live.wave.stats()).heartbeats + (live.idle ? (await live.idle.stats()).heartbeats : 0);
  const cpuPct = ((cpu1 - cpu0) / elapsed) * 100;
  const beatsPerSecond = ((beats1 - beats0) / elapsed) * 1000;
  return {
    section: 'idle-density',
    rows: [
      {
        figure: `1. idle density: server RSS per agent (${n.toLocaleString('en-US')})`,
        measured: `${kb(perAgentKb)} (+${kb(aboveFloor)} over floor)`,
        reference: `bare ws ${kb(bare.perSocketKb)}/socket`,
        target: '≤ 20 KB over the floor',
        met: aboveFloor <= 20,
        values: { agents: n, connected, serverRssKb: rssKb, emptyServerRssKb: live.emptyRssKb, perAgentKb, bareSocketKb: bare.perSocketKb, aboveFloorKb: aboveFloor },
      },
      {
        figure: `1. idle density: heartbeat CPU (${Math.round(beatsPerSecond)} beats/s)`,
        measured: `${cpuPct.toFixed(1)} % of one core`,
        reference: `heartbeat every ${live.o.heartbeatSeconds} s`,
        target: '≤ 5 % of one core',
        met: cpuPct <= 5,
        values: { cpuPct, windowMs: elapsed, beatsPerSecond, heartbeatSeconds: live.o.heartbeatSeconds },
      },
    ],
    checks: { agents: n, connected },
    notes: [],
  };
}
