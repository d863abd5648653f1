// Benchmark: storing inventory reports of a 3,000-package host through the real service and
// SQLite store. Prints numbers; asserts nothing. Run: pnpm --filter @patchwave/server bench:inventory
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { diffPackages } from '@patchwave/shared';
import { ManualClock } from '../src/domain/clock.js';
import { inventoryHash } from '../src/domain/inventory/inventory-hash.js';
import { InventoryService } from '../src/domain/inventory/inventory-service.js';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { sampleInventory, sampleNewDevice, samplePackages } from '../src/testing/facts.js';

const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `median ${median.toFixed(1)} ms, min ${(sorted[0] ?? 0).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
}

const dir = mkdtempSync(join(tmpdir(), 'patchwave-bench-'));
try {
  const store = await openSqliteStore(join(dir, 'bench.db'));
  const clock = new ManualClock();
  const service = new InventoryService(store, clock);
  const first: number[] = [];
  const unchanged: number[] = [];
  const churn: number[] = [];
  const delta: number[] = [];
  const hashOnly: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const device = await store.devices.insert(sampleNewDevice());
    const base = sampleInventory(samplePackages(PACKAGES));
    let t = performance.now();
    inventoryHash(base);
    hashOnly.push(performance.now() - t);
    t = performance.now();
    await service.report(device.id, { kind: 'full', hash: inventoryHash(base), inventory: base });
    first.push(performance.now() - t);

    t = performance.now();
    await service.report(device.id, { kind: 'full', hash: inventoryHash(base), inventory: base });
    unchanged.push(performance.now() - t);

    // 10 % of the packages upgraded: a patch day.
    const upgraded = sampleInventory(samplePackages(PACKAGES, (i) => (i % 10 === 0 ? `2.0-${i}` : `1.0-${i}`)));
    clock.advance(3_600_000);
    t = performance.now();
    await service.report(device.id, { kind: 'full', hash: inventoryHash(upgraded), inventory: upgraded });
    churn.push(performance.now() - t);

    const next = sampleInventory(samplePackages(PACKAGES, (i) => (i % 10 === 0 ? `3.0-${i}` : `1.0-${i}`)));
    const packages = diffPackages(upgraded.packages, next.packages);
    t = performance.now();
    await service.report(device.id, {
      kind: 'delta',
      hash: inventoryHash(next),
      baseHash: inventoryHash(upgraded),
      collectedAt: next.collectedAt,
      facts: next.facts,
      managers: next.managers,
      packages,
      updates: next.updates,
      reboot: next.reboot,
    });
    delta.push(performance.now() - t);
  }
  console.log(`inventory store benchmark: ${PACKAGES} packages, ${ROUNDS} devices (SQLite file, WAL)`);
  console.log(`  content hash alone (part of each):     ${stats(hashOnly)}`);
  console.log(`  first full report (baseline):          ${stats(first)}`);
  console.log(`  unchanged full report:                 ${stats(unchanged)}`);
  console.log(`  full report, 10% upgraded (history):   ${stats(churn)}`);
  console.log(`  delta report, 10% upgraded (history):  ${stats(delta)}`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
