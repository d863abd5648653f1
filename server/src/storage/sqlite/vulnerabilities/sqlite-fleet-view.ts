import type { AvailableUpdate, ManagerName, Severity } from '@patchwave/shared';
import type { Database as RawDatabase } from 'better-sqlite3';
import type { AssetFacts, FleetView } from '../../../domain/vulnerabilities/ports.js';
import type { Db } from '../rows.js';
import { fromTriState, parseJson } from '../rows.js';
import type { AvailableUpdatesTable } from '../schema.js';
import { prepared } from './statements.js';

const CHUNK = 500;

function toUpdate(row: AvailableUpdatesTable): AvailableUpdate {
  const u: AvailableUpdate = {
    manager: row.manager as ManagerName,
    name: row.name,
    arch: row.arch,
    installedVersion: row.installed_version,
    candidateVersion: row.candidate_version,
    security: fromTriState(row.security),
    advisories: parseJson<string[]>(row.advisories_json, []),
    cves: parseJson<string[]>(row.cves_json, []),
  };
  if (row.severity !== null) u.severity = row.severity as Severity;
  if (row.origin !== null) u.origin = row.origin;
  if (row.title !== null) u.title = row.title;
  if (row.reboot_required !== null) u.rebootRequired = row.reboot_required === 1;
  return u;
}

/** Fleet-wide reads of the inventory tables for the patch catalog, selections and reports. */
export class SqliteFleetView implements FleetView {
  constructor(private readonly db: Db) {}

  async availableUpdates(deviceIds?: readonly string[]): Promise<Map<string, AvailableUpdate[]>> {
    const out = new Map<string, AvailableUpdate[]>();
    const add = (rows: AvailableUpdatesTable[]) => {
      for (const r of rows) {
        const list = out.get(r.device_id);
        if (list) list.push(toUpdate(r));
        else out.set(r.device_id, [toUpdate(r)]);
      }
    };
    if (!deviceIds) {
      add(await this.db.selectFrom('available_updates').selectAll().orderBy('device_id').orderBy('name').execute());
      return out;
    }
    for (let i = 0; i < deviceIds.length; i += CHUNK) {
      add(await this.db.selectFrom('available_updates').selectAll().where('device_id', 'in', deviceIds.slice(i, i + CHUNK)).orderBy('device_id').orderBy('name').execute());
    }
    return out;
  }

  async hostnames(deviceIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < deviceIds.length; i += CHUNK) {
      const rows = await this.db.selectFrom('devices').select(['id', 'hostname']).where('id', 'in', deviceIds.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.set(r.id, r.hostname);
    }
    return out;
  }

  async devicesWithTags(tags: readonly string[]): Promise<string[]> {
    if (tags.length === 0) return (await this.db.selectFrom('devices').select('id').orderBy('id').execute()).map((r) => r.id);
    const rows = await this.db
      .selectFrom('device_tags')
      .select('device_id')
      .where('tag', 'in', [...tags])
      .groupBy('device_id')
      .having((eb) => eb.fn.count('tag').distinct(), '=', new Set(tags).size)
      .orderBy('device_id')
      .execute();
    return rows.map((r) => r.device_id);
  }
}

/** Criticality and tags of a device, read synchronously inside a transaction (scoring's asset context). */
export function sqliteAssetFacts(raw: RawDatabase): (deviceId: string) => AssetFacts | undefined {
  const cache = new Map<string, AssetFacts | undefined>();
  return (deviceId) => {
    if (cache.has(deviceId)) return cache.get(deviceId);
    const d = prepared(raw, 'SELECT criticality FROM devices WHERE id = ?').get(deviceId) as { criticality: string } | undefined;
    const facts = d
      ? { criticality: d.criticality, tags: (prepared(raw, 'SELECT tag FROM device_tags WHERE device_id = ?').all(deviceId) as { tag: string }[]).map((t) => t.tag) }
      : undefined;
    if (cache.size > 50_000) cache.clear();
    cache.set(deviceId, facts);
    return facts;
  };
}
