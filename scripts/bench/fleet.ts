/**
 * Fleet benchmarks (issue 9): a real server with simulated agents (scripts/fleet-sim) and the real
 * agent on this machine. Prints `figure | measured | reference (same run) | target` per section and
 * writes bench-results/fleet.json (or fleet-quick.json). Asserts nothing: a target missed is a row
 * marked "missed", not a failure.
 *
 *   tsx --conditions=source scripts/bench/fleet.ts [--quick] [--only idle,wave,paced,storm,ingest,footprint,rpc]
 *       [--agents 20000] [--wave-agents 10000] [--packages 100] [--workers 4]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FULL, QUICK, runFleetBench, SECTIONS, type Section } from './fleet/run.js';
import { machine, writeResults } from './fleet/table.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    agents: { type: 'string' },
    'wave-agents': { type: 'string' },
    packages: { type: 'string' },
    workers: { type: 'string' },
  },
});
const base = values.quick ? QUICK : FULL;
const num = (v: string | undefined, fallback: number, what: string) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${what} must be a positive integer (got ${v})`);
  return n;
};
const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
for (const s of only ?? []) if (!SECTIONS.includes(s as Section)) throw new Error(`--only: unknown section "${s}" (sections: ${SECTIONS.join(', ')})`);
const options = {
  ...base,
  sections: (only as Section[] | undefined) ?? base.sections,
  idleAgents: num(values.agents, base.idleAgents, 'agents'),
  waveAgents: num(values['wave-agents'], base.waveAgents, 'wave-agents'),
  packages: num(values.packages, base.packages, 'packages'),
  workers: num(values.workers, base.workers, 'workers'),
};
if (options.waveAgents > options.idleAgents) options.idleAgents = options.waveAgents;

const started = Date.now();
const before = machine();
console.log(`patchwave fleet benchmark${values.quick ? ' (quick)' : ''}: ${options.idleAgents} idle agents, ${options.waveAgents} in waves, ${options.packages} packages each; ${before.cpus} × ${before.cpuModel}, node ${before.node}; load average ${before.loadAverage}\n`);
const results = await runFleetBench(options);
const file = writeResults(fileURLToPath(new URL('../../bench-results/', import.meta.url)), values.quick ? 'fleet-quick' : 'fleet', {
  at: new Date().toISOString(),
  machineAtStart: before,
  machineAtEnd: machine(),
  options,
  durationSeconds: (Date.now() - started) / 1000,
  results,
});
console.log(`results: ${file} (${((Date.now() - started) / 1000).toFixed(0)} s; load average at end ${machine().loadAverage})`);
