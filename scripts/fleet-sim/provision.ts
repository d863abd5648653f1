import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret, hashSecret } from '../../server/src/domain/secrets.js';
import { openSqliteStore } from '../../server/src/storage/sqlite/sqlite-store.js';
import { loopbackAddress } from './fleet.js';
import { DeviceInventory, inventoryBase } from './inventory-model.js';
import type { SimIdentity } from './options.js';

export interface ProvisionOptions {
  count: number;
  /** Tags of device i (deployments target them). */
  tags?: (index: number) => string[];
  prefix?: string;
  /** Source addresses to spread over (127.0.0.1 … 127.0.0.spread). */
  spread?: number;
  /**
   * Also store each device's inventory of this many packages (the simulator's own, through the
   * inventory repository: the rows a first report writes), so that the agents find the server
   * already holding their hash and connect without a first full report. Absent: no inventory.
   */
  inventoryPackages?: number;
}

/**
 * Enrolls `count` simulated devices before the server starts, through the server's own device
 * repository on its data directory (the rows `POST /api/v1/enroll` writes: device, facts, tags,
 * the SHA-256 of a fresh `pwa_` credential), in transactions of 1,000. Enrolling 20,000 devices
 * through the HTTP API one by one would spend the benchmark's time budget on enrollment, which the
 * e2e tests already cover; this path is about 20× faster and yields the same credentials. No
 * per-device audit entry is written (the API writes one per enrollment).
 */
export async function provisionFleet(dataDir: string, options: ProvisionOptions): Promise<SimIdentity[]> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = await openSqliteStore(join(dataDir, 'patchwave.db'));
  const prefix = options.prefix ?? 'sim';
  const base = inventoryBase(options.inventoryPackages ?? 1);
  const out: SimIdentity[] = [];
  try {
    for (let from = 0; from < options.count; from += 1000) {
      const batch: SimIdentity[] = [];
      await store.transaction(async (tx) => {
        for (let i = from; i < Math.min(options.count, from + 1000); i++) {
          const hostname = `${prefix}-${String(i).padStart(5, '0')}`;
          const credential = generateSecret('agent');
          const id = randomUUID();
          await tx.devices.insert({
            id,
            hostname,
            facts: new DeviceInventory(base, i, hostname).facts(),
            agentVersion: 'fleet-sim/1',
            credentialHash: hashSecret(credential),
            enrollmentTokenId: null,
            tags: options.tags?.(i) ?? ['fleet-sim'],
            criticality: 'medium',
            enrolledAt: new Date(),
          });
          if (options.inventoryPackages) {
            const device = new DeviceInventory(base, i, hostname);
            const inventory = device.inventory();
            const now = new Date();
            await tx.inventory.apply({
              deviceId: id,
              receivedAt: now,
              report: { kind: 'full', hash: device.hash(inventory), baseHash: null, collectedAt: inventory.collectedAt },
              facts: inventory.facts,
              managers: inventory.managers,
              reboot: inventory.reboot,
              upsert: inventory.packages.map((p) => ({ ...p, since: now })),
              remove: [],
              updates: inventory.updates,
              changes: [],
              counts: { packages: inventory.packages.length, updates: inventory.updates.length, securityUpdates: inventory.updates.filter((u) => u.security === true).length },
            });
          }
          batch.push({ index: i, deviceId: id, hostname, credential, localAddress: loopbackAddress(i, options.spread) });
        }
      });
      out.push(...batch);
    }
  } finally {
    await store.close();
  }
  return out;
}
