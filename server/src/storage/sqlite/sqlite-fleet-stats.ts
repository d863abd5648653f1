import type { OsPlatform } from '@patchwave/shared';
import { sql } from 'kysely';
import type { FleetStats, FleetStatsQuery } from '../../domain/devices/fleet-stats.js';
import type { Db } from './rows.js';
import { iso } from './rows.js';

const HOUR_MS = 3_600_000;

interface CountsRow {
  devices: number;
  not_seen: number | null;
  never: number | null;
  reboot: number | null;
  sec_total: number | null;
  sec_devices: number | null;
  upd_total: number | null;
  upd_devices: number | null;
  [band: `band_${number}`]: number | null;
}

/**
 * Fleet counts in two aggregate queries over `devices` (no device rows leave the database), so a
 * dashboard over 10,000 devices costs a few milliseconds. Times are ISO-8601 UTC text, which
 * compares in time order.
 */
export async function sqliteFleetStats(db: Db, query: FleetStatsQuery): Promise<FleetStats> {
  const edges = query.lastSeenBandHours.map((h) => iso(new Date(query.now.getTime() - h * HOUR_MS)));
  const bands = [...edges, null].map((edge, i) => {
    const newer = i === 0 ? null : edges[i - 1];
    const lower = edge === null ? sql`1` : sql`last_seen_at >= ${edge}`;
    const upper = newer === null || newer === undefined ? sql`1` : sql`last_seen_at < ${newer}`;
    return sql`coalesce(sum(${lower} AND ${upper}), 0) AS ${sql.ref(`band_${i}`)}`;
  });
  const counts = await sql<CountsRow>`
    SELECT count(*) AS devices,
      sum(last_seen_at < ${iso(query.staleBefore)}) AS not_seen,
      sum(inventory_at IS NULL) AS never,
      sum(reboot_required = 'true') AS reboot,
      sum(security_update_count) AS sec_total,
      sum(security_update_count > 0) AS sec_devices,
      sum(update_count) AS upd_total,
      sum(update_count > 0) AS upd_devices,
      ${sql.join(bands)}
    FROM devices`.execute(db);
  const row = counts.rows[0] as CountsRow;
  const os = await db
    .selectFrom('devices')
    .select(['os_platform', 'os_distro', 'os_release', (eb) => eb.fn.countAll<number>().as('devices')])
    .groupBy(['os_platform', 'os_distro', 'os_release'])
    .orderBy('devices', 'desc')
    .orderBy('os_distro')
    .orderBy('os_release')
    .limit(query.osLimit)
    .execute();
  return {
    devices: row.devices,
    notSeenRecently: row.not_seen ?? 0,
    neverReported: row.never ?? 0,
    rebootPending: row.reboot ?? 0,
    securityUpdates: { total: row.sec_total ?? 0, devices: row.sec_devices ?? 0 },
    updates: { total: row.upd_total ?? 0, devices: row.upd_devices ?? 0 },
    byOs: os.map((r) => ({ platform: r.os_platform as OsPlatform, distro: r.os_distro, release: r.os_release, devices: Number(r.devices) })),
    lastSeenBands: bands.map((_, i) => row[`band_${i}`] ?? 0),
  };
}
