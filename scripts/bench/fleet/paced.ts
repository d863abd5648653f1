import { createAndStart, jobFacts, oneWave, reservedUpdate, waitFinal } from './deployments.js';
import type { LiveFleet } from './live-fleet.js';
import { maxOverlap, ms, type SectionResult } from './table.js';

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/**
 * 3. Paced wave: one wave over every `wave` device with a concurrency cap, jobs lasting
 * `jobLatencyMs` and failing at `failureRate`. Correctness: every device final, no result lost,
 * no device running a job twice, never more than the cap in flight (from the server's own job
 * records, offered → finished, and from the agents' run intervals).
 */
export async function pacedWave(live: LiveFleet, o: { concurrency: number; timeoutMs: number }): Promise<SectionResult> {
  const n = live.o.waveAgents;
  const before = await live.wave.stats(true);
  const t0 = performance.now();
  const { id } = await createAndStart(live, oneWave('fleet benchmark: paced wave', reservedUpdate(live.o.packages, 1), o.concurrency));
  const done = await waitFinal(live, id, o.timeoutMs);
  const elapsed = performance.now() - t0;
  // Every result the agents sent was acked (left their outbox) before we read the counters.
  const after = await live.wave.waitFor('every result acknowledged', (s) => s.outboxAcked - before.outboxAcked >= sum(s.results) - sum(before.results), 60_000);
  const drained = await live.wave.stats(true);
  const facts = await jobFacts(live, id);
  const agentMax = maxOverlap(drained.intervals);
  const executions = after.executions - before.executions;
  const resultsSent = sum(after.results) - sum(before.results);
  const failed = done.counts.failed ?? 0;
  const checks = {
    devices: n,
    jobs: facts.jobs,
    distinctDevices: facts.devices,
    final: facts.final,
    withResult: facts.withResult,
    executions,
    resultsSent,
    secondJobs: after.secondJobs - before.secondJobs,
    serverMaxInFlight: facts.maxInFlight,
    agentMaxRunning: agentMax,
    concurrency: o.concurrency,
    failed,
    completed: done.state === 'completed',
  };
  const ok = facts.jobs === n && facts.devices === n && facts.final === n && facts.withResult === n && executions === n && checks.secondJobs === 0 && facts.maxInFlight <= o.concurrency;
  return {
    section: 'paced-wave',
    rows: [
      {
        figure: `3. paced wave ${n.toLocaleString('en-US')}, cap ${o.concurrency}: all final`,
        measured: `${facts.final}/${n} final, ${failed} failed, in ${ms(elapsed)}`,
        reference: `ideal ${ms((n / o.concurrency) * ((live.o.jobLatencyMs[0] + live.o.jobLatencyMs[1]) / 2))}`,
        target: 'all final, none lost, none twice',
        met: ok,
        values: { ...checks, elapsedMs: elapsed },
      },
      {
        figure: '3. paced wave: most in flight at once',
        measured: `${facts.maxInFlight} (server), ${agentMax} (agents)`,
        reference: `cap ${o.concurrency}`,
        target: `≤ ${o.concurrency}`,
        met: facts.maxInFlight <= o.concurrency,
        values: { serverMaxInFlight: facts.maxInFlight, agentMaxRunning: agentMax },
      },
    ],
    checks,
    notes: [`states ${JSON.stringify(facts.states)}; deployment ${done.state}`],
  };
}
