/**
 * pnpm bench:match (second part) — the production path on SQLite at fleet size:
 *   tsx --conditions=source scripts/bench/sqlite-fleet.ts [--devices 10000] [--packages 2000] [--ranges 100000] [--universe 20000] [--seed 1] [--keep]
 *
 * Builds a SQLite store (temp dir) with the synthetic fleet of match.ts: devices, advisories with
 * their affected index, every device's packages in the installed index; then a full match through
 * the SQLite indexes, turned into findings with scores and due dates (and a status history: fixed,
 * accepted, open, overdue) with the maintained compliance counts; then the paths the server runs:
 * one device's inventory delta (store + match + findings + audit), one new advisory imported across
 * the fleet, the compliance summary (p50/p95 over repeated queries, from maintained aggregates), the
 * reference computation from history, and the daily snapshot.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InstalledPackage } from '../../shared/src/index.js';
import { AuditLog } from '../../server/src/domain/audit/audit-log.js';
import { ManualClock } from '../../server/src/domain/clock.js';
import { contentHash } from '../../server/src/domain/advisories/import-plan.js';
import { factsForHit } from '../../server/src/domain/findings/assess.js';
import type { Finding } from '../../server/src/domain/findings/finding.js';
import { reconcile } from '../../server/src/domain/findings/reconcile.js';
import { inventoryHash } from '../../server/src/domain/inventory/inventory-hash.js';
import { InventoryService } from '../../server/src/domain/inventory/inventory-service.js';
import { Matcher } from '../../server/src/domain/matching/matcher.js';
import { DEFAULT_VULNERABILITY_CONFIG } from '../../server/src/domain/vulnerabilities/config.js';
import { scoringContext } from '../../server/src/domain/vulnerabilities/finding-writer.js';
import { createVulnerabilityServices } from '../../server/src/domain/vulnerabilities/index.js';
import { createLogger } from '../../server/src/logger.js';
import { openSqliteStore } from '../../server/src/storage/sqlite/sqlite-store.js';
import { setPageCacheMiB } from '../../server/src/storage/sqlite/vulnerabilities/statements.js';
import { sampleFacts, sampleInventory, sampleNewDevice } from '../../server/src/testing/facts.js';
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

const DAY = 86_400_000;
const NOW = '2026-01-15T00:00:00.000Z';
const BATCH = 100;
/** A fleet this size does not fit SQLite's default 2 MiB page cache; the bench gives its connection this much. */
const CACHE_MIB = 512;
const OS = [
  { id: 'debian', distro: 'Debian GNU/Linux', release: '12' },
  { id: 'ubuntu', distro: 'Ubuntu', release: '22.04' },
  { id: 'rocky', distro: 'Rocky Linux', release: '9.4' },
];

const ms = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(2)} ms`);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
const report = (label: string, value: string): void => console.log(`${label.padEnd(52)} ${value}`);
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

console.log(`patchwave SQLite fleet benchmark: ${opts.devices} devices × ${opts.packagesPerDevice} packages, ${opts.ranges} affected ranges, node ${process.version}`);
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}; SQLite page cache ${CACHE_MIB} MiB (PRAGMA cache_size)\n`);

const dir = mkdtempSync(join(tmpdir(), 'patchwave-bench-fleet-'));
const file = join(dir, 'patchwave.db');
const store = await openSqliteStore(file);
await setPageCacheMiB(store.db, CACHE_MIB);
const clock = new ManualClock(NOW);
const log = createLogger('silent');
const audit = new AuditLog(store.audit, clock);
const inventory = new InventoryService(store, clock);
const vulns = createVulnerabilityServices({ store, audit, clock, log, inventory, config: DEFAULT_VULNERABILITY_CONFIG });

try {
  // 1. Devices (with a first, empty inventory so that they count as seen) across three OS families.
  const table = new MatchableTable(opts.universe);
  const fleet: SyntheticDevice[] = [];
  const ids: string[] = [];
  const t1 = await timed(async () => {
    const all = [...devices(opts, table)];
    for (let i = 0; i < all.length; i += 500) {
      await store.transaction(async (tx) => {
        for (const d of all.slice(i, i + 500)) {
          const os = OS[d.family]!;
          const n = fleet.length;
          const facts = sampleFacts({ hostname: `host-${n}`, os: { platform: 'linux', distro: os.distro, release: os.release, id: os.id, kernel: '6.1.0', arch: 'x64' } });
          const tags = [`group=g${n % 10}`, n % 3 === 0 ? 'env=prod' : 'env=dev', ...(n % 10 === 0 ? ['internet-facing'] : [])];
          const dev = await tx.devices.insert(sampleNewDevice({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, hostname: facts.hostname, facts, tags, enrolledAt: new Date(Date.parse(NOW) - 200 * DAY) }));
          await tx.inventory.apply({
            deviceId: dev.id, receivedAt: new Date(Date.parse(NOW) - (n % 9 === 0 ? 10 : 1) * DAY), report: { kind: 'full', hash: 'e'.repeat(64), baseHash: null, collectedAt: NOW },
            facts, managers: [], reboot: { required: false, reasons: [], packages: [] }, upsert: [], remove: [], updates: [], changes: [], counts: { packages: 0, updates: 0, securityUpdates: 0 },
          });
          fleet.push(d);
          ids.push(dev.id);
        }
      });
    }
  });
  report('devices stored', `${ms(t1.ms)} (${fleet.length})`);

  // 2. Advisories with provenance, and the affected index.
  const t2 = await timed(async () => {
    const all = [...advisories(opts)];
    await store.feedImports.begin({ id: 'bench', startedAt: NOW, actor: 'bench', origin: 'upload', sources: [] });
    for (let i = 0; i < all.length; i += 5000) {
      await store.transaction(async (tx) => {
        const chunk = all.slice(i, i + 5000);
        await tx.advisories.upsertMany(chunk.map((a) => ({ advisory: a, hash: contentHash(a), feedFile: 'bench.json' })), 'bench', NOW);
        for (const a of chunk) tx.matching.affected.upsert(a);
      });
    }
  });
  report('advisories + affected index (SQLite)', `${ms(t2.ms)} (${opts.ranges} ranges)`);

  // 3. Installed index: every device's matchables.
  const t3 = await timed(async () => {
    for (let i = 0; i < fleet.length; i += BATCH) {
      await store.transaction(async (tx) => {
        for (let j = i; j < Math.min(i + BATCH, fleet.length); j++) tx.matching.installed.setDevice(ids[j]!, FAMILIES[fleet[j]!.family]!.ecosystem, fleet[j]!.packages);
      });
    }
  });
  report('installed index (SQLite)', `${ms(t3.ms)} (${opts.devices * opts.packagesPerDevice} packages)`);

  // 4. Full match through the SQLite indexes, findings scored and stored with a status history.
  let matchMs = 0;
  let storeMs = 0;
  let findings = 0;
  const status = { open: 0, fixed: 0, accepted_risk: 0 };
  const rand = rng(opts.seed + 11);
  for (let i = 0; i < fleet.length; i += BATCH) {
    await store.transaction(async (tx) => {
      const matcher = new Matcher(tx.matching.affected, tx.matching.installed);
      const scoring = scoringContext(tx, DEFAULT_VULNERABILITY_CONFIG);
      const batch: Finding[] = [];
      let t = performance.now();
      for (let j = i; j < Math.min(i + BATCH, fleet.length); j++) {
        const seen = new Date(Date.parse(NOW) - (5 + (j % 115)) * DAY).toISOString();
        const m = matcher.matchDevice(ids[j]!);
        const r = reconcile({
          scope: { kind: 'device', deviceId: ids[j]!, groups: 'all', sources: ['osv'] }, existing: [], hits: m.hits, report: { id: String(j), observedAt: seen },
          current: () => ({ kind: 'absent' }), facts: (h) => factsForHit(h, tx.matching.advisory), scoring,
        });
        for (const f of r.upserts) {
          const x = rand();
          const first = Date.parse(f.firstSeenAt);
          if (x < 0.35) {
            const fixedAt = new Date(Math.min(Date.parse(NOW) - 1, first + (0.5 + rand() * 45) * DAY)).toISOString();
            batch.push({ ...f, status: 'fixed', resolvedAt: fixedAt, evidence: { kind: 'upgraded', inventoryReportId: String(j), observedAt: fixedAt, installedVersion: f.fixedVersion } });
            status.fixed++;
          } else if (x < 0.4) {
            batch.push({ ...f, status: 'accepted_risk', exception: { reason: 'bench', approver: 'bench', approvedAt: new Date(first + DAY).toISOString(), expiresAt: new Date(Date.parse(NOW) + 30 * DAY).toISOString() } });
            status.accepted_risk++;
          } else {
            batch.push(f);
            status.open++;
          }
        }
      }
      matchMs += performance.now() - t;
      t = performance.now();
      await tx.findings.save(batch, [], NOW);
      await tx.compliance.refreshDevices(ids.slice(i, i + BATCH), NOW);
      storeMs += performance.now() - t;
      findings += batch.length;
    });
  }
  report('full match through SQLite indexes + scoring', `${ms(matchMs)} (${findings} findings, ${(findings / opts.devices).toFixed(1)} per device)`);
  report('storing findings + maintained counts', `${ms(storeMs)} (${status.open} open, ${status.fixed} fixed, ${status.accepted_risk} accepted)`);
  report('peak memory (RSS, whole run so far)', mb(peakRss()));

  // 5. One device's inventory delta through the server's path: store, match, findings, audit.
  const deltas: number[] = [];
  const rand2 = rng(opts.seed + 7);
  for (let n = 0; n < 20; n++) {
    const d = fleet[n]!;
    const pkgs: InstalledPackage[] = installedOf(d);
    const facts = sampleFacts({ hostname: `host-${n}`, os: { platform: 'linux', distro: OS[d.family]!.distro, release: OS[d.family]!.release, id: OS[d.family]!.id, kernel: '6.1.0', arch: 'x64' } });
    const send = async (packages: InstalledPackage[]) => {
      const inv = sampleInventory(packages, { facts, updates: [], collectedAt: clock.now().toISOString() });
      const outcome = await inventory.report(ids[n]!, { kind: 'full', hash: inventoryHash(inv), inventory: inv });
      if (!outcome.ok) throw new Error(outcome.message);
    };
    await send(pkgs); // baseline: the server's first full copy of the packages (already in the index)
    for (let i = 0; i < 20; i++) {
      const at = Math.floor(rand2() * pkgs.length);
      const p = pkgs[at]!;
      const version = FAMILIES[d.family]!.version(Math.floor(rand2() * LADDER));
      pkgs[at] = { ...p, version, source: { name: p.source!.name, version } };
    }
    clock.advance(60_000);
    deltas.push((await timed(() => send(pkgs))).ms);
  }
  deltas.sort((a, b) => a - b);
  report('one device delta, server path (store+match+findings+audit)', `median ${ms(pct(deltas, 0.5))}, p95 ${ms(pct(deltas, 0.95))} over ${deltas.length} devices (2,000-package full report, 20 changed)`);

  // 6. One new advisory across the fleet, through `feeds import`.
  for (const [label, pkg] of [['new advisory import, base package (all Debian)', Math.min(5, BASE - 1)], ['new advisory import, ordinary package', BASE + 17]] as const) {
    const f = FAMILIES[0]!;
    const record = {
      schema_version: '1.7.0', id: `BENCH-NEW-${pkg}`, modified: NOW, published: NOW, upstream: ['CVE-2026-0001'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [{ package: { ecosystem: f.osvEcosystem, name: pkgName(pkg) }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: f.version(LADDER - 1) }] }] }],
    };
    const r = await timed(() => vulns.feeds.import([{ name: `${record.id}.json`, bytes: Buffer.from(JSON.stringify(record)) }], { actor: 'bench', origin: 'upload' }));
    report(label, `${ms(r.ms)} (${r.value.findings.devicesEvaluated} devices evaluated, ${r.value.findings.opened} findings opened, each audited)`);
  }

  // 7. Compliance summary from maintained aggregates, p50/p95; then the reference computation.
  const queries: [string, number, { groups?: string[] }][] = [
    ['compliance summary, 30 days, whole fleet', 30, {}],
    ['compliance summary, 30 days, group g3', 30, { groups: ['g3'] }],
    ['compliance summary, 90 days, whole fleet', 90, {}],
  ];
  for (const [label, days, scope] of queries) {
    const runs: number[] = [];
    for (let i = 0; i < 30; i++) runs.push((await timed(() => vulns.compliance.summary({ from: new Date(Date.parse(NOW) - days * DAY).toISOString(), scope }))).ms);
    runs.sort((a, b) => a - b);
    report(label, `p50 ${ms(pct(runs, 0.5))}, p95 ${ms(pct(runs, 0.95))} over ${runs.length} queries`);
  }
  const ref = await timed(() => vulns.compliance.summary({ from: new Date(Date.parse(NOW) - 31 * DAY).toISOString(), to: new Date(Date.parse(NOW) - DAY).toISOString() }));
  report('compliance summary, past period (from history)', `${ms(ref.ms)} (reference computation over every finding)`);
  const snap = await timed(() => vulns.compliance.snapshotDay(new Date(Date.parse(NOW) - DAY).toISOString().slice(0, 10)));
  report('daily snapshot of one day (scheduled job)', `${ms(snap.ms)} (${snap.value} rows: fleet + tag/group/OS slices)`);
  const series = await timed(() => vulns.compliance.series({ dimension: 'all', key: 'all' }, '2025-10-17', '2026-01-15'));
  report('90-day series from snapshots', ms(series.ms));

  report('peak memory (RSS, whole run)', mb(peakRss()));
  await store.close();
  report('database size', mb(statSync(file).size));
  report('load average at end', loadavg().map((l) => l.toFixed(1)).join(' '));
} finally {
  await store.close();
  if (process.argv.includes('--keep')) console.log(`kept ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}
