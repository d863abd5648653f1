import { procStats, startBenchServer } from '../../fleet-sim/server-process.js';
import type { LiveFleet } from './live-fleet.js';
import { mb, ms, percentile, sortNumbers, type SectionResult } from './table.js';

/**
 * 4. Reconnect storm: the server holding the wave fleet is killed (SIGKILL) and restarted on the
 * same data and port. The agents come back with the real agent's backoff (full jitter, 1 s base).
 * Measured: time from the restarted server listening until 99% (and 100%) said hello again; the
 * p99 of an admin API call (device list) made back to back during the storm; the restarted
 * server's peak RSS against the steady RSS of the first one holding the same agents.
 */
export async function reconnectStorm(live: LiveFleet, o: { timeoutMs: number }): Promise<SectionResult> {
  const n = live.o.waveAgents;
  await new Promise((r) => setTimeout(r, 2000));
  const steadyKb = procStats(live.server.pid).rssKb;
  const welcomes0 = (await live.wave.stats()).welcomes;
  const killedAt = performance.now();
  await live.server.stop('SIGKILL');
  live.server = await startBenchServer(live.dataDir, live.port, live.serverConfig, live.server.token);
  const listeningAt = performance.now();
  const latencies: number[] = [];
  let storming = true;
  const poller = (async () => {
    while (storming) {
      const t = performance.now();
      const res = await fetch(`${live.server.url}/api/v1/devices?limit=50`, { headers: { authorization: `Bearer ${live.server.token}` } });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
    }
  })();
  let back99 = NaN;
  let backAll = NaN;
  let peakKb = 0;
  const deadline = Date.now() + o.timeoutMs;
  try {
    for (;;) {
      const s = await live.wave.stats();
      peakKb = Math.max(peakKb, procStats(live.server.pid).hwmKb);
      if (Number.isNaN(back99) && s.connected >= Math.ceil(n * 0.99)) back99 = performance.now() - listeningAt;
      if (s.connected >= n) {
        backAll = performance.now() - listeningAt;
        break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    storming = false;
    await poller;
  }
  const s = await live.wave.stats();
  const sorted = sortNumbers(latencies);
  const p99 = percentile(sorted, 99);
  const ratio = peakKb / steadyKb;
  return {
    section: 'reconnect-storm',
    rows: [
      {
        figure: `4. reconnect storm ${n.toLocaleString('en-US')}: time to 99% back`,
        measured: ms(back99),
        reference: `100% in ${ms(backAll)}; restart ${ms(listeningAt - killedAt)}`,
        target: '≤ 60 s',
        met: back99 <= 60_000,
        values: { agents: n, back99Ms: back99, backAllMs: backAll, restartMs: listeningAt - killedAt, connected: s.connected, welcomes: s.welcomes - welcomes0 },
      },
      {
        figure: '4. reconnect storm: admin API p99 (device list)',
        measured: ms(p99),
        reference: `p50 ${ms(percentile(sorted, 50))}, ${sorted.length} calls`,
        target: '≤ 250 ms',
        met: p99 <= 250,
        values: { p50: percentile(sorted, 50), p99, max: sorted[sorted.length - 1] ?? NaN, calls: sorted.length },
      },
      {
        figure: '4. reconnect storm: peak RSS / steady RSS',
        measured: `${mb(peakKb / 1024)} (${ratio.toFixed(2)}×)`,
        reference: `steady ${mb(steadyKb / 1024)}`,
        target: '≤ 1.5×',
        met: ratio <= 1.5,
        values: { peakKb, steadyKb, ratio },
      },
    ],
    checks: { agents: n, reconnected: s.connected, allBack: s.connected >= n },
    notes: [`refused upgrades during the storm: ${JSON.stringify(s.refused)}; socket errors: ${JSON.stringify(s.socketErrors)}`],
  };
}
