/**
 * pnpm bench:match [--devices 10000] [--packages 2000] [--ranges 100000] [--universe 20000] [--seed 1]
 *
 * Matching at fleet size against the in-memory indexes (the SQLite-backed path and the compliance
 * summary query are measured by sqlite-fleet.ts, which `pnpm bench:match` runs next). Prints: index build, full match time and peak memory, the
 * incremental re-match of one device's inventory delta, and one new advisory across the fleet.
 * Targets (issue 5): full ≤ 30 s and ≤ 1 GB on 2 cores; one device ≤ 50 ms; one advisory ≤ 5 s.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Advisory } from '../../server/src/domain/advisories/advisory.js';
import { InMemoryAffectedIndex } from '../../server/src/domain/matching/affected-index.js';
import { InMemoryInstalledIndex } from '../../server/src/domain/matching/installed-index.js';
import { toMatchables } from '../../server/src/domain/matching/matchable.js';
import { Matcher } from '../../server/src/domain/matching/matcher.js';
import { BASE, FAMILIES, LADDER, MatchableTable, advisories, devices, installedOf, pkgName, rng } from './lib/synthetic-fleet.js';
import type { FleetOptions, SyntheticDevice } from './lib/synthetic-fleet.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const opts: FleetOptions = {
  devices: option('devices', 10_000),
  packagesPerDevice: option('packages', 2_000),
  ranges: option('ranges', 100_000),
  universe: option('universe', 20_000),
  seed: option('seed', 1),
};
if (opts.packagesPerDevice > opts.universe) throw new Error('--packages cannot exceed --universe');

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
/** CPU time of this process (all threads, GC included): less distorted than wall time on a busy machine. */
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Wall and CPU time of `fn`, added to `into`. */
function timed<T>(into: { wall: number; cpu: number }, fn: () => T): T {
  const w = performance.now();
  const c = cpu();
  const r = fn();
  into.wall += performance.now() - w;
  into.cpu += cpu() - c;
  return r;
}
const both = (t: { wall: number; cpu: number }): string => `${ms(t.wall)} wall, ${ms(t.cpu)} CPU`;
const ms = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(2)} ms`);
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
const rows: [string, string][] = [];
const report = (label: string, value: string): void => {
  rows.push([label, value]);
  console.log(`${label.padEnd(44)} ${value}`);
};

console.log(`patchwave matching benchmark: ${opts.devices} devices × ${opts.packagesPerDevice} packages, ${opts.ranges} affected ranges, ${opts.universe} packages per OS family, node ${process.version}`);
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times suffer when other work shares the cores; CPU times less so)\n`);

// 1. Advisories → affected index.
const affected = new InMemoryAffectedIndex();
const tAffected = { wall: 0, cpu: 0 };
for (const a of advisories(opts)) timed(tAffected, () => affected.upsert(a));
report('affected index build', `${both(tAffected)} (${affected.size} ranges)`);

// 2. Inventories → installed index (device-side index).
const table = new MatchableTable(opts.universe);
const installed = new InMemoryInstalledIndex();
const sample: SyntheticDevice[] = [];
const tInstalled = { wall: 0, cpu: 0 };
for (const d of devices(opts, table)) {
  timed(tInstalled, () => installed.setDevice(d.id, FAMILIES[d.family]!.ecosystem, d.packages));
  if (sample.length < 100) sample.push(d);
}
report('installed index build', `${both(tInstalled)} (${opts.devices * opts.packagesPerDevice} installed packages; generation not counted)`);

// 3. Full match: every device against every advisory.
const matcher = new Matcher(affected, installed);
let hits = 0;
const tFull = { wall: 0, cpu: 0 };
timed(tFull, () => {
  for (const id of installed.deviceIds()) hits += matcher.matchDevice(id).hits.length;
});
report('full match', `${both(tFull)} (${hits} findings, ${(hits / opts.devices).toFixed(1)} per device)`);
report('peak memory (RSS, whole run so far)', `${mb(peakRss())} (heap used now ${mb(process.memoryUsage().heapUsed)})`);

// 4. One device's inventory delta: 20 packages upgraded, downgraded or replaced.
const rand = rng(opts.seed + 7);
const deltaWall: number[] = [];
const deltaCpu: number[] = [];
let evaluated = 0;
for (const d of sample) {
  const pkgs = installedOf(d);
  for (let i = 0; i < 20; i++) {
    const at = Math.floor(rand() * pkgs.length);
    const p = pkgs[at]!;
    const version = FAMILIES[d.family]!.version(Math.floor(rand() * LADDER));
    pkgs[at] = { ...p, version, source: { name: p.source!.name, version } };
  }
  const eco = FAMILIES[d.family]!.ecosystem;
  // What phase 2 does per inventory delta: matchables from the new package list, then re-match.
  const t = { wall: 0, cpu: 0 };
  const m = timed(t, () => matcher.updateDevice(d.id, eco, toMatchables(eco, pkgs)));
  deltaWall.push(t.wall);
  deltaCpu.push(t.cpu);
  evaluated += m.evaluated;
}
deltaWall.sort((a, b) => a - b);
deltaCpu.sort((a, b) => a - b);
report('one device delta (20 changes), median', `${ms(pct(deltaWall, 0.5))} wall, ${ms(pct(deltaCpu, 0.5))} CPU`);
report('one device delta, p95 / max (wall)', `${ms(pct(deltaWall, 0.95))} / ${ms(deltaWall.at(-1) ?? 0)} over ${sample.length} devices, ${(evaluated / sample.length).toFixed(1)} groups re-evaluated each`);

// 5. One new advisory across the fleet: a package on every device of a family, and a rare one.
function newAdvisory(id: string, family: number, pkg: number): Advisory {
  const f = FAMILIES[family]!;
  return {
    id, source: 'osv', modified: '2026-01-01T00:00:00Z', published: '2026-01-01T00:00:00Z', withdrawn: null, summary: '', details: '',
    aliases: [], related: [], cves: ['CVE-2026-0001'], cvss: [], severityLabel: null, references: [],
    affected: [{ ecosystem: f.osvEcosystem, name: pkgName(pkg), ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: f.version(LADDER - 1) }] }], versions: [], binaries: [], cvss: [] }],
  };
}
for (const [label, family, pkg] of [['new advisory, base package (all Debian devices)', 0, Math.min(5, BASE - 1)], ['new advisory, ordinary package', 0, BASE + 17]] as const) {
  const t = { wall: 0, cpu: 0 };
  const r = timed(t, () => matcher.applyAdvisory(newAdvisory(`BENCH-NEW-${pkg}`, family, pkg)));
  report(label, `${both(t)} (${r.devicesEvaluated.length} devices evaluated, ${r.hits.length} findings)`);
}

report('peak memory (RSS, whole run)', mb(peakRss()));
report('load average at end', loadavg().map((l) => l.toFixed(1)).join(' '));
console.log('\nthe SQLite production path (device delta, new advisory import, compliance summary p95): scripts/bench/sqlite-fleet.ts, the second part of pnpm bench:match');
