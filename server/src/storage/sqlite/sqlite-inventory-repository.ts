import type { AvailableUpdate, ManagerName, Severity } from '@patchwave/shared';
import type { Database as RawDatabase } from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type {
  HistoryEntry,
  HistoryQuery,
  InventoryReportEntry,
  InventoryRepository,
  InventoryWrite,
  PackageQuery,
  ReportKind,
  UpdateQuery,
} from '../../domain/inventory/inventory-repository.js';
import type { PackageChangeKind, StoredPackage } from '../../domain/inventory/package-change.js';
import type { Page, PageRequest } from '../../domain/paging.js';
import type { Db } from './rows.js';
import { readInstalled } from './inventory-reader.js';
import { writeInventory } from './inventory-writer.js';
import { fromTriState, iso, likeContains, parseJson, toDate, triState } from './rows.js';
import type { AvailableUpdatesTable, InstalledPackagesTable, InventoryReportsTable } from './schema.js';

function toPackage(row: InstalledPackagesTable): StoredPackage {
  const pkg: StoredPackage = { manager: row.manager as ManagerName, name: row.name, version: row.version, arch: row.arch, since: toDate(row.since) };
  if (row.source_name !== null) {
    pkg.source = row.source_version === null ? { name: row.source_name } : { name: row.source_name, version: row.source_version };
  }
  return pkg;
}

function toUpdate(row: AvailableUpdatesTable): AvailableUpdate {
  const update: AvailableUpdate = {
    manager: row.manager as ManagerName,
    name: row.name,
    arch: row.arch,
    installedVersion: row.installed_version,
    candidateVersion: row.candidate_version,
    security: fromTriState(row.security),
    advisories: parseJson<string[]>(row.advisories_json, []),
    cves: parseJson<string[]>(row.cves_json, []),
  };
  if (row.severity !== null) update.severity = row.severity as Severity;
  if (row.origin !== null) update.origin = row.origin;
  if (row.title !== null) update.title = row.title;
  if (row.reboot_required !== null) update.rebootRequired = row.reboot_required === 1;
  return update;
}

function toReport(row: Selectable<InventoryReportsTable>): InventoryReportEntry {
  return {
    id: row.id,
    deviceId: row.device_id,
    kind: row.kind as ReportKind,
    hash: row.hash,
    baseHash: row.base_hash,
    collectedAt: row.collected_at,
    receivedAt: toDate(row.received_at),
    counts: { packages: row.package_count, updates: row.update_count, securityUpdates: row.security_update_count },
    changeCount: row.change_count,
  };
}

function page<T>(items: T[], total: number | bigint | string, query: PageRequest): Page<T> {
  return { items, total: Number(total), limit: query.limit, offset: query.offset };
}

/** Inventory reads through Kysely; the bulk write of a report through cached prepared statements. */
export class SqliteInventoryRepository implements InventoryRepository {
  constructor(
    private readonly db: Db,
    private readonly raw: RawDatabase,
  ) {}

  async listInstalled(deviceId: string): Promise<StoredPackage[]> {
    return readInstalled(this.raw, deviceId);
  }

  async apply(write: InventoryWrite): Promise<InventoryReportEntry> {
    // The bulk write runs on the raw connection while Kysely holds it for a transaction: the
    // caller's, or one opened here. The entry is what was just written, so it is not read back.
    const run = async (): Promise<InventoryReportEntry> => ({
      id: writeInventory(this.raw, write),
      deviceId: write.deviceId,
      kind: write.report.kind,
      hash: write.report.hash,
      baseHash: write.report.baseHash,
      collectedAt: write.report.collectedAt,
      receivedAt: new Date(write.receivedAt.getTime()),
      counts: { ...write.counts },
      changeCount: write.changes.length,
    });
    return this.db.isTransaction ? run() : this.db.transaction().execute(run);
  }

  async listPackages(deviceId: string, query: PackageQuery): Promise<Page<StoredPackage>> {
    let base = this.db.selectFrom('installed_packages').where('device_id', '=', deviceId);
    if (query.name) base = base.where(sql<boolean>`name LIKE ${likeContains(query.name)} ESCAPE '\\'`);
    if (query.manager) base = base.where('manager', '=', query.manager);
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('name').orderBy('manager').orderBy('arch').limit(query.limit).offset(query.offset).execute();
    return page(rows.map(toPackage), total, query);
  }

  async listUpdates(deviceId: string, query: UpdateQuery): Promise<Page<AvailableUpdate>> {
    let base = this.db.selectFrom('available_updates').where('device_id', '=', deviceId);
    if (query.security !== undefined) base = base.where('security', '=', triState(query.security));
    if (query.manager) base = base.where('manager', '=', query.manager);
    if (query.name) base = base.where(sql<boolean>`name LIKE ${likeContains(query.name)} ESCAPE '\\'`);
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('name').orderBy('manager').orderBy('arch').limit(query.limit).offset(query.offset).execute();
    return page(rows.map(toUpdate), total, query);
  }

  async listHistory(deviceId: string, query: HistoryQuery): Promise<Page<HistoryEntry>> {
    let base = this.db.selectFrom('package_history').where('device_id', '=', deviceId);
    if (query.name) base = base.where(sql<boolean>`name LIKE ${likeContains(query.name)} ESCAPE '\\'`);
    if (query.change) base = base.where('change', '=', query.change);
    if (query.since) base = base.where('observed_at', '>=', iso(query.since));
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('observed_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
    const items = rows.map((r) => ({
      id: r.id,
      deviceId: r.device_id,
      manager: r.manager as ManagerName,
      name: r.name,
      arch: r.arch,
      change: r.change as PackageChangeKind,
      fromVersion: r.from_version,
      toVersion: r.to_version,
      observedAt: toDate(r.observed_at),
    }));
    return page(items, total, query);
  }

  async listReports(deviceId: string, query: PageRequest): Promise<Page<InventoryReportEntry>> {
    const base = this.db.selectFrom('inventory_reports').where('device_id', '=', deviceId);
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
    return page(rows.map(toReport), total, query);
  }
}
