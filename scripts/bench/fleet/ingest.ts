import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { diffPackages, type Inventory } from '@patchwave/shared';
import { inventoryHash } from '../../../server/src/domain/inventory/inventory-hash.js';
import { InventoryService } from '../../../server/src/domain/inventory/inventory-service.js';
import { openSqliteStore } from '../../../server/src/storage/sqlite/sqlite-store.js';
import { DeviceInventory, inventoryBase } from '../../fleet-sim/inventory-model.js';
import { provisionFleet } from '../../fleet-sim/provision.js';
import { benchTmpDir } from '../../fleet-sim/server-process.js';
import { rawInsertRowsPerSecond } from './ingest-floor.js';
import { rate, type SectionResult } from './table.js';

const PACKAGES = 2000;

/** The inventory with `share` of its packages at a new version (`tag` makes each round distinct). */
function changed(inv: Inventory, share: number, tag: string): Inventory {
  const every = Math.max(1, Math.round(1 / share));
  return { ...inv, collectedAt: new Date().toISOString(), packages: inv.packages.map((p, i) => (i % every === 0 ? { ...p, version: `${p.version}+${tag}` } : p)) };
}

/**
 * 5. Inventory ingest through the server's InventoryService on a SQLite file (the code an agent's
 * report goes through, without the socket and without the vulnerability matcher that listens
 * after it: `pnpm bench:match` measures that). 2,000-package reports of simulated Debian devices:
 * - full replacement: every package at a new version (2,000 rows rewritten + history);
 * - 98% unchanged, sent whole: the server diffs against what it holds and writes the 2% only;
 * - 98% unchanged, sent as a delta (what agents send after the first report).
 * Floor: raw better-sqlite3 inserts of the same rows in one transaction.
 */
export async function inventoryIngest(o: { devices: number }): Promise<SectionResult> {
  const dir = mkdtempSync(join(benchTmpDir(), 'patchwave-bench-ingest-'));
  try {
    const ids = await provisionFleet(join(dir, 'data'), { count: o.devices });
    const store = await openSqliteStore(join(dir, 'data', 'patchwave.db'));
    const service = new InventoryService(store, { now: () => new Date() });
    const base = inventoryBase(PACKAGES);
    const first = ids.map((id) => ({ id: id.deviceId, inv: new DeviceInventory(base, id.index, id.hostname).inventory() }));
    const run = async (label: string, make: (inv: Inventory, i: number) => { payload: Parameters<InventoryService['report']>[1]; next: Inventory }) => {
      let rows = 0;
      const prepared = first.map((d, i) => make(d.inv, i));
      const t0 = performance.now();
      for (let i = 0; i < first.length; i++) {
        const d = first[i] as (typeof first)[number];
        const p = prepared[i] as (typeof prepared)[number];
        const outcome = await service.report(d.id, p.payload);
        if (!outcome.ok) throw new Error(`${label}: ${outcome.message}`);
        rows += outcome.report.changeCount;
        d.inv = p.next;
      }
      const elapsed = performance.now() - t0;
      return { reportsPerSecond: (first.length / elapsed) * 1000, rowsPerSecond: (rows / elapsed) * 1000, rows, elapsed };
    };
    const full = (inv: Inventory) => ({ payload: { kind: 'full' as const, hash: inventoryHash(inv), inventory: inv }, next: inv });
    await run('first report', (inv) => full(inv));
    let round = 0;
    const replace = await run('full replacement', (inv) => full(changed(inv, 1, `r${++round}`)));
    const wholeChanges = await run('98% unchanged, whole', (inv) => full(changed(inv, 0.02, `w${++round}`)));
    const deltas = await run('98% unchanged, delta', (inv) => {
      const next = changed(inv, 0.02, `d${++round}`);
      return {
        payload: { kind: 'delta' as const, hash: inventoryHash(next), baseHash: inventoryHash(inv), collectedAt: next.collectedAt, facts: next.facts, managers: next.managers, packages: diffPackages(inv.packages, next.packages), updates: next.updates, reboot: next.reboot },
        next,
      };
    });
    await store.close();
    const floor = rawInsertRowsPerSecond(join(dir, 'floor.db'), first.map((d) => ({ id: d.id, packages: d.inv.packages })));
    const replaceRows = (replace.rowsPerSecond / floor) * 100;
    return {
      section: 'inventory-ingest',
      rows: [
        {
          figure: `5. ingest, 2% changed, delta (${o.devices} devices)`,
          measured: rate(deltas.reportsPerSecond, 'reports/s'),
          reference: `sent whole: ${rate(wholeChanges.reportsPerSecond, 'reports/s')}`,
          target: '≥ 1,000 reports/s',
          met: deltas.reportsPerSecond >= 1000,
          values: { delta: deltas.reportsPerSecond, whole: wholeChanges.reportsPerSecond, deltaRowsPerSecond: deltas.rowsPerSecond },
        },
        {
          figure: '5. ingest, full replacement (2,000 rows each)',
          measured: `${rate(replace.rowsPerSecond, 'rows/s')} (${rate(replace.reportsPerSecond, 'reports/s')})`,
          reference: `raw inserts ${rate(floor, 'rows/s')}`,
          target: '≥ 200,000 rows/s, ≥ 50% of raw',
          met: replace.rowsPerSecond >= 200_000 && replaceRows >= 50,
          values: { rowsPerSecond: replace.rowsPerSecond, reportsPerSecond: replace.reportsPerSecond, floorRowsPerSecond: floor, percentOfFloor: replaceRows },
        },
      ],
      checks: { devices: o.devices, replacedRows: replace.rows, changedRows: wholeChanges.rows },
      notes: [`full replacement reached ${replaceRows.toFixed(0)}% of the raw floor; rows counted are the package changes the server wrote (history rows come on top)`],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
