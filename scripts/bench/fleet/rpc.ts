import { createAndStart, oneWave, reservedUpdate, waitFinal } from './deployments.js';
import type { LiveFleet } from './live-fleet.js';
import { ms, percentile, rate, sortNumbers, type SectionResult } from './table.js';

/**
 * 7. Agent RPC path: authenticated job.result frames of about 1 KB over the agents' live sockets,
 * each parsed against the protocol schema, stored in one transaction (result, job state, audit
 * entry) and acked. The agents hold their results until released: the first half at a paced
 * `pacedPerSecond` (latency send → ack at that load), the second half all at once (throughput).
 */
export async function rpcPath(live: LiveFleet, o: { pacedPerSecond: number; timeoutMs: number }): Promise<SectionResult> {
  const n = live.o.waveAgents;
  await live.wave.hold(true);
  await live.wave.stats(true);
  const { id } = await createAndStart(live, oneWave('fleet benchmark: rpc path', reservedUpdate(live.o.packages, 2)));
  const held = (await live.wave.waitFor(`${n} results held`, (s) => s.held >= n, o.timeoutMs, 200)).held;
  await live.wave.hold(false);
  // The inventory deltas that followed the installs are not part of this figure: let them land first.
  // (A report the server refused is never acked: after 30 s the measurement goes ahead regardless.)
  const settled = await live.wave
    .waitFor('the post-install inventory reports to be acked', (s) => s.fullReports + s.deltaReports <= s.reportsAcked, 30_000, 200)
    .then(() => true)
    .catch(() => false);
  const workers = Math.max(1, live.wave.pids.length);
  const allAcked = (what: string) => live.wave.waitFor(what, (s) => s.rpcPending === 0, o.timeoutMs, 50);

  await live.wave.release(Math.ceil(held / 2 / workers), o.pacedPerSecond);
  await allAcked('the paced results to be acked');
  const paced = sortNumbers((await live.wave.stats(true)).rpcTimes.map(([a, b]) => b - a));

  const released = await live.wave.release(held, 0);
  await allAcked('the burst of results to be acked');
  // Throughput from the agents' own clocks: first frame sent → last ack received.
  const times = (await live.wave.stats(true)).rpcTimes;
  const burstMs = Math.max(...times.map(([, b]) => b)) - Math.min(...times.map(([a]) => a));
  const burst = sortNumbers(times.map(([a, b]) => b - a));
  const done = await waitFinal(live, id, o.timeoutMs);

  const p99 = percentile(paced, 99);
  const perSecond = (burst.length / burstMs) * 1000;
  return {
    section: 'rpc-path',
    rows: [
      {
        figure: `7. agent RPC: 1 KB result frames, burst of ${burst.length.toLocaleString('en-US')}`,
        measured: rate(perSecond, 'frames/s'),
        reference: `burst p99 ${ms(percentile(burst, 99))}`,
        target: '≥ 5,000 frames/s',
        met: perSecond >= 5000,
        values: { frames: burst.length, released, burstMs, perSecond, burstP50: percentile(burst, 50), burstP99: percentile(burst, 99) },
      },
      {
        figure: `7. agent RPC: latency at ${o.pacedPerSecond.toLocaleString('en-US')} frames/s offered`,
        measured: `p50 ${ms(percentile(paced, 50))}, p99 ${ms(p99)}`,
        reference: `${paced.length.toLocaleString('en-US')} frames`,
        target: 'p99 ≤ 50 ms',
        met: p99 <= 50,
        values: { frames: paced.length, p50: percentile(paced, 50), p99, max: paced[paced.length - 1] ?? NaN },
      },
    ],
    checks: { held, acked: paced.length + burst.length, completed: done.state === 'completed' },
    notes: settled ? [] : ['some inventory reports were still unacknowledged when the results were released'],
  };
}
