import type { DeviceFacts, ManagerStatus, OsPlatform, RebootState } from '@patchwave/shared';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Criticality, Device, NewDevice } from '../../domain/devices/device.js';
import { deviceOs } from '../../domain/devices/device.js';
import type { DevicePatch, DeviceQuery, DeviceRepository } from '../../domain/devices/device-repository.js';
import type { FleetStats, FleetStatsQuery } from '../../domain/devices/fleet-stats.js';
import type { Page } from '../../domain/paging.js';
import type { Db } from './rows.js';
import { iso, likeContains, parseJson, toDate, toDateOrNull } from './rows.js';
import type { DevicesTable } from './schema.js';
import { sqliteFleetStats } from './sqlite-fleet-stats.js';

type DeviceRow = Selectable<DevicesTable>;

/** Ids per `UPDATE … WHERE id IN (…)` of touchMany: well under SQLite's bound-parameter limit. */
const TOUCH_BATCH = 500;

function toDevice(row: DeviceRow, tags: string[]): Device {
  return {
    id: row.id,
    hostname: row.hostname,
    facts: parseJson<DeviceFacts>(row.facts_json, {} as DeviceFacts),
    os: { platform: row.os_platform as OsPlatform, id: row.os_id, distro: row.os_distro, release: row.os_release },
    arch: row.arch,
    agentVersion: row.agent_version,
    criticality: row.criticality as Criticality,
    tags,
    enrollmentTokenId: row.enrollment_token_id,
    enrolledAt: toDate(row.enrolled_at),
    lastSeenAt: toDate(row.last_seen_at),
    inventoryHash: row.inventory_hash,
    inventoryAt: toDateOrNull(row.inventory_at),
    reboot: parseJson<RebootState | null>(row.reboot_json, null),
    managers: parseJson<ManagerStatus[]>(row.managers_json, []),
    counts: { packages: row.package_count, updates: row.update_count, securityUpdates: row.security_update_count },
    approved: row.approved === 1,
    credentialRevokedAt: toDateOrNull(row.credential_revoked_at),
  };
}

const SORT_COLUMNS = {
  hostname: sql`hostname COLLATE NOCASE`,
  lastSeenAt: sql`last_seen_at`,
  enrolledAt: sql`enrolled_at`,
  criticality: sql`CASE criticality WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 ELSE 3 END`,
  os: sql`(os_distro || ' ' || os_release) COLLATE NOCASE`,
  securityUpdates: sql`security_update_count`,
  updates: sql`update_count`,
} as const;

export class SqliteDeviceRepository implements DeviceRepository {
  constructor(private readonly db: Db) {}

  async insert(device: NewDevice): Promise<Device> {
    const os = deviceOs(device.facts);
    await this.db
      .insertInto('devices')
      .values({
        id: device.id,
        hostname: device.hostname,
        facts_json: JSON.stringify(device.facts),
        os_platform: os.platform,
        os_id: os.id,
        os_distro: os.distro,
        os_release: os.release,
        arch: device.facts.os.arch,
        agent_version: device.agentVersion,
        criticality: device.criticality,
        credential_hash: device.credentialHash,
        enrollment_token_id: device.enrollmentTokenId,
        enrolled_at: iso(device.enrolledAt),
        last_seen_at: iso(device.enrolledAt),
        inventory_hash: null,
        inventory_at: null,
        reboot_required: null,
        reboot_json: null,
        managers_json: '[]',
        package_count: 0,
        update_count: 0,
        security_update_count: 0,
      })
      .execute();
    await this.replaceTags(device.id, device.tags);
    return toDevice(await this.db.selectFrom('devices').selectAll().where('id', '=', device.id).executeTakeFirstOrThrow(), [...device.tags]);
  }

  async get(id: string): Promise<Device | null> {
    const row = await this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toDevice(row, await this.tagsOf(id)) : null;
  }

  async findByCredentialHash(credentialHash: string): Promise<Device | null> {
    const row = await this.db.selectFrom('devices').selectAll().where('credential_hash', '=', credentialHash).executeTakeFirst();
    return row ? toDevice(row, await this.tagsOf(row.id)) : null;
  }

  async list(query: DeviceQuery): Promise<Page<Device>> {
    let base = this.db.selectFrom('devices');
    if (query.name) base = base.where(sql<boolean>`hostname LIKE ${likeContains(query.name)} ESCAPE '\\'`);
    if (query.os) {
      const os = query.os.toLowerCase();
      base = base.where((eb) =>
        eb.or([
          eb(sql`lower(os_platform)`, '=', os),
          eb(sql`lower(os_id)`, '=', os),
          eb(sql`lower(os_distro)`, '=', os),
        ]),
      );
    }
    if (query.tag) {
      const tag = query.tag;
      base = base.where('id', 'in', (eb) => eb.selectFrom('device_tags').select('device_id').where('tag', '=', tag));
    }
    if (query.missing === 'security') base = base.where('security_update_count', '>', 0);
    if (query.missing === 'any') base = base.where('update_count', '>', 0);
    if (query.rebootRequired) base = base.where('reboot_required', '=', 'true');
    if (query.lastSeenBefore) base = base.where('last_seen_at', '<', iso(query.lastSeenBefore));
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const direction = query.order === 'desc' ? sql`DESC` : sql`ASC`;
    const rows = await base
      .selectAll()
      .orderBy(sql`${SORT_COLUMNS[query.sort]} ${direction}`)
      .orderBy('id')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    const tags = await this.tagsOfMany(rows.map((r) => r.id));
    return { items: rows.map((r) => toDevice(r, tags.get(r.id) ?? [])), total: Number(total), limit: query.limit, offset: query.offset };
  }

  async update(id: string, patch: DevicePatch): Promise<Device | null> {
    const exists = await this.db.selectFrom('devices').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) return null;
    if (patch.criticality) await this.db.updateTable('devices').set({ criticality: patch.criticality }).where('id', '=', id).execute();
    if (patch.tags) await this.replaceTags(id, patch.tags);
    return this.get(id);
  }

  async touch(id: string, at: Date, agentVersion?: string): Promise<void> {
    await this.db
      .updateTable('devices')
      .set(agentVersion === undefined ? { last_seen_at: iso(at) } : { last_seen_at: iso(at), agent_version: agentVersion })
      .where('id', '=', id)
      .execute();
  }

  async touchMany(ids: readonly string[], at: Date): Promise<void> {
    const lastSeen = iso(at);
    for (let i = 0; i < ids.length; i += TOUCH_BATCH) {
      await this.db
        .updateTable('devices')
        .set({ last_seen_at: lastSeen })
        .where('id', 'in', ids.slice(i, i + TOUCH_BATCH))
        .execute();
    }
  }

  stats(query: FleetStatsQuery): Promise<FleetStats> {
    return sqliteFleetStats(this.db, query);
  }

  private async replaceTags(id: string, tags: readonly string[]): Promise<void> {
    await this.db.deleteFrom('device_tags').where('device_id', '=', id).execute();
    if (tags.length > 0) {
      await this.db.insertInto('device_tags').values([...new Set(tags)].map((tag) => ({ device_id: id, tag }))).execute();
    }
  }

  private async tagsOf(id: string): Promise<string[]> {
    const rows = await this.db.selectFrom('device_tags').select('tag').where('device_id', '=', id).orderBy('tag').execute();
    return rows.map((r) => r.tag);
  }

  private async tagsOfMany(ids: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    const rows = await this.db.selectFrom('device_tags').select(['device_id', 'tag']).where('device_id', 'in', ids).orderBy('tag').execute();
    for (const row of rows) out.set(row.device_id, [...(out.get(row.device_id) ?? []), row.tag]);
    return out;
  }
}
