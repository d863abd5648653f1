import { describe, expect, it } from 'vitest';
import { QUICK, runFleetBench, type FleetBenchOptions } from '../scripts/bench/fleet/run.js';
import type { SectionResult } from '../scripts/bench/fleet/table.js';

/**
 * Keeps the fleet benchmarks working (issue 9): `pnpm bench --quick` sized fleet (500 simulated
 * agents over real WebSockets against a real server process) through the wave, paced-wave, RPC and
 * reconnect-storm sections. Asserts correctness only — nothing lost, nothing run twice, every
 * device final, the concurrency cap held, every agent back after the restart — never a timing:
 * speed is what `pnpm bench` prints.
 */
// Smaller than `--quick` and with a 4 s reconnect ceiling, so that it stays near a minute on a busy 2-core machine.
const N = 200;
const options: FleetBenchOptions = { ...QUICK, sections: ['wave', 'paced', 'rpc', 'storm'], idleAgents: N, waveAgents: N, workers: 2, concurrency: 20, jobLatencyMs: [50, 200], backoffCapMs: 4000, pacedPerSecond: 500 };

describe('fleet benchmarks, quick', () => {
  it('delivers, paces and reconnects a 200-agent fleet without losing or repeating a job', { timeout: 170_000 }, async () => {
    const lines: string[] = [];
    const results = await runFleetBench(options, (l) => lines.push(l));
    const section = (name: string) => results.find((r) => r.section === name) as SectionResult;

    const wave = section('wave-delivery').checks;
    expect(wave).toMatchObject({ offersReceived: N, rejected: 0, final: 1 });

    const paced = section('paced-wave').checks;
    expect(paced).toMatchObject({ devices: N, jobs: N, distinctDevices: N, final: N, withResult: N, executions: N, resultsSent: N, secondJobs: 0, completed: true });
    expect(paced.serverMaxInFlight).toBeLessThanOrEqual(options.concurrency);
    expect(paced.agentMaxRunning).toBeLessThanOrEqual(options.concurrency);
    // Failures are injected at 5%: some, and never all.
    expect(paced.failed).toBeGreaterThan(0);
    expect(paced.failed).toBeLessThan(N);

    const rpc = section('rpc-path').checks;
    expect(rpc).toMatchObject({ held: N, acked: N, completed: true });

    const storm = section('reconnect-storm').checks;
    expect(storm).toMatchObject({ agents: N, reconnected: N, allBack: true });
  });
});
