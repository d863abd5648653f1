import type { BareFigures } from './bare-reference.js';
import { createAndStart, oneWave, reservedUpdate, waitFinal } from './deployments.js';
import type { LiveFleet } from './live-fleet.js';
import { ms, percentile, sortNumbers, type SectionResult } from './table.js';

/**
 * 2. Wave delivery: from the start request of a one-wave deployment to each agent receiving its
 * signed job (it verifies it and answers job.accepted at once), against a bare ws broadcast of a
 * frame of the same size to the same number of sockets.
 */
export async function waveDelivery(live: LiveFleet, bare: BareFigures, o: { timeoutMs: number }): Promise<SectionResult> {
  const n = live.o.waveAgents;
  const before = await live.wave.stats(true);
  const { id, startedAt } = await createAndStart(live, oneWave('fleet benchmark: wave delivery', reservedUpdate(live.o.packages, 0)));
  await live.wave.waitFor(`${n} job offers to arrive`, (s) => s.markCount >= n, o.timeoutMs, 100);
  const got = await live.wave.stats(true);
  const lat = sortNumbers(got.marks.map((m) => m - startedAt));
  // The delivery figure stands on its own; a deployment that does not finish in time is a note, not a crash.
  const done = await waitFinal(live, id, o.timeoutMs).catch((err: unknown) => ({ state: 'unfinished', counts: (err as Error).message }));
  const after = await live.wave.stats();
  const [p50, p99, max] = [percentile(lat, 50), percentile(lat, 99), lat[lat.length - 1] ?? NaN];
  const [b50, b99, bmax] = [percentile(bare.broadcast, 50), percentile(bare.broadcast, 99), bare.broadcast[bare.broadcast.length - 1] ?? NaN];
  return {
    section: 'wave-delivery',
    rows: [
      {
        figure: `2. wave delivery to ${n.toLocaleString('en-US')}: p50 / p99 / max`,
        measured: `${ms(p50)} / ${ms(p99)} / ${ms(max)}`,
        reference: `bare ws ${ms(b50)} / ${ms(b99)} / ${ms(bmax)}`,
        target: 'p99 ≤ 1 s, max ≤ 2 s, ≤ 2× bare',
        met: p99 <= 1000 && max <= 2000 && max <= 2 * bmax,
        values: { agents: n, p50, p99, max, bareP50: b50, bareP99: b99, bareMax: bmax, ratioMax: max / bmax },
      },
    ],
    checks: {
      offersReceived: lat.length,
      rejected: Object.values(after.rejected).reduce((a, b) => a + b, 0) - Object.values(before.rejected).reduce((a, b) => a + b, 0),
      final: done.state === 'completed' ? 1 : 0,
    },
    notes: [`deployment ${done.state}: ${typeof done.counts === 'string' ? done.counts : JSON.stringify(done.counts)}`],
  };
}
