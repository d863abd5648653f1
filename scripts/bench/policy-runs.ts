/**
 * pnpm bench policy — what patch policies cost:
 *   tsx --conditions=source scripts/bench/policy-runs.ts [--devices 500] [--packages 2000] [--updates 200] [--reports 40]
 *
 * 1. Inventory ingest with update sightings (migration 0700): full reports of one device with
 *    `--updates` available updates, half of whose candidates change between reports, timed as a
 *    whole; then the two sighting statements alone (one INSERT OR IGNORE per update, one prune) on
 *    the same store, so the share they add to each report is visible.
 * 2. A policy run's selection over `--devices` devices (updates, first sightings, findings per
 *    device), as `run-now` computes it before creating the deployment.
 * Prints numbers; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PolicySpec, type AvailableUpdate } from '../../shared/src/index.js';
import { ManualClock } from '../../server/src/domain/clock.js';
import { inventoryHash } from '../../server/src/domain/inventory/inventory-hash.js';
import { InventoryService } from '../../server/src/domain/inventory/inventory-service.js';
import { selectRun } from '../../server/src/domain/policies/run-selection.js';
import { openSqliteStore } from '../../server/src/storage/sqlite/sqlite-store.js';
import { sampleFacts, sampleInventory, sampleNewDevice, samplePackages } from '../../server/src/testing/facts.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const DEVICES = option('devices', 500);
const PACKAGES = option('packages', 2000);
const UPDATES = option('updates', 200);
const REPORTS = option('reports', 40);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const ms = (x: number) => `${x.toFixed(2)} ms`;

const updatesFor = (round: number): AvailableUpdate[] =>
  Array.from({ length: UPDATES }, (_, i) => ({
    manager: 'apt' as const,
    name: `pkg-${String(i + 1).padStart(5, '0')}`,
    arch: 'amd64',
    installedVersion: `1.0-${i + 1}`,
    // Half the candidates move on every report: new sightings and pruned ones each time.
    candidateVersion: i % 2 === 0 ? `1.1-${i + 1}` : `1.${round + 2}-${i + 1}`,
    security: i % 3 === 0,
    advisories: [],
    cves: [],
  }));

const dir = mkdtempSync(join(tmpdir(), 'patchwave-bench-policy-'));
try {
  const store = await openSqliteStore(join(dir, 'bench.db'));
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const inventory = new InventoryService(store, clock);
  const packages = samplePackages(PACKAGES);
  const ids: string[] = [];
  for (let d = 0; d < DEVICES; d++) {
    const device = await store.devices.insert(sampleNewDevice({ hostname: `bench-${d}`, tags: ['web'] }));
    ids.push(device.id);
    const inv = sampleInventory(packages, { facts: sampleFacts({ hostname: `bench-${d}` }), updates: updatesFor(0), collectedAt: clock.now().toISOString() });
    await inventory.report(device.id, { kind: 'full', hash: inventoryHash(inv), inventory: inv });
  }

  // 1. Ingest with sightings.
  const target = ids[0] as string;
  const times: number[] = [];
  for (let r = 1; r <= REPORTS; r++) {
    clock.advance(3_600_000);
    const inv = sampleInventory(packages, { facts: sampleFacts({ hostname: 'bench-0' }), updates: updatesFor(r), collectedAt: clock.now().toISOString() });
    const t0 = performance.now();
    const res = await inventory.report(target, { kind: 'full', hash: inventoryHash(inv), inventory: inv });
    times.push(performance.now() - t0);
    if (!res.ok) throw new Error(res.message);
  }
  const sightings: number[] = [];
  for (let r = 0; r < REPORTS; r++) {
    const at = new Date(Date.parse('2026-04-01T00:00:00Z') + r * 1000).toISOString();
    const t0 = performance.now();
    await store.db.transaction().execute(async (trx) => {
      for (const u of updatesFor(REPORTS + r)) {
        await trx
          .insertInto('update_sightings')
          .values({ device_id: target, manager: u.manager, name: u.name, version: u.candidateVersion, first_seen_at: at })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      await trx
        .deleteFrom('update_sightings')
        .where('device_id', '=', target)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('available_updates as a')
                .select('a.name')
                .whereRef('a.device_id', '=', 'update_sightings.device_id')
                .whereRef('a.manager', '=', 'update_sightings.manager')
                .whereRef('a.name', '=', 'update_sightings.name')
                .whereRef('a.candidate_version', '=', 'update_sightings.version'),
            ),
          ),
        )
        .execute();
    });
    sightings.push(performance.now() - t0);
  }
  console.log(`policy ingest: ${PACKAGES} packages, ${UPDATES} updates (half changing) per full report, ${REPORTS} reports`);
  console.log(`  whole report with sightings   p50 ${ms(pct(times, 50))}  p95 ${ms(pct(times, 95))}`);
  console.log(`  sighting statements alone     p50 ${ms(pct(sightings, 50))}  p95 ${ms(pct(sightings, 95))}  (through Kysely, an upper bound: the writer runs cached prepared statements)`);

  // 2. Selection of a run over the fleet.
  const spec = PolicySpec.parse({ name: 'bench', scope: { tags: ['web'] }, deferral: { days: 7 }, schedule: { recurrence: { kind: 'weekly', days: ['tue'], time: '02:00' } } });
  const devices = await Promise.all(ids.map(async (id) => (await store.devices.get(id)) as NonNullable<Awaited<ReturnType<typeof store.devices.get>>>));
  clock.advance(10 * 86_400_000);
  const t0 = performance.now();
  const sel = await selectRun(store, spec, devices, clock.now());
  const selMs = performance.now() - t0;
  console.log(`policy run selection: ${DEVICES} devices × ${UPDATES} updates → ${sel.packages} selected, ${sel.deferred} deferred in ${ms(selMs)} (${ms(selMs / DEVICES)} per device)`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
