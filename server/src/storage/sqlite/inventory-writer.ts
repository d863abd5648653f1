import type { Database as RawDatabase, Statement } from 'better-sqlite3';
import { deviceOs } from '../../domain/devices/device.js';
import type { InventoryWrite } from '../../domain/inventory/inventory-repository.js';
import { iso, triState } from './rows.js';

interface Statements {
  deletePackage: Statement;
  upsertPackage: Statement;
  deleteUpdates: Statement;
  insertUpdate: Statement;
  recordSighting: Statement;
  pruneSightings: Statement;
  insertReport: Statement;
  insertHistory: Statement;
  updateDevice: Statement;
}

// Prepared once per database connection: a 3,000-package report is 6,000 runs of two cached
// statements, several times faster than multi-row INSERTs that SQLite must parse each time.
const cache = new WeakMap<RawDatabase, Statements>();

function statements(raw: RawDatabase): Statements {
  let s = cache.get(raw);
  if (!s) {
    s = {
      deletePackage: raw.prepare('DELETE FROM installed_packages WHERE device_id = ? AND manager = ? AND name = ? AND arch = ?'),
      upsertPackage: raw.prepare(
        `INSERT INTO installed_packages (device_id, manager, name, arch, version, source_name, source_version, since)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id, manager, name, arch) DO UPDATE SET
           version = excluded.version, source_name = excluded.source_name, source_version = excluded.source_version, since = excluded.since`,
      ),
      deleteUpdates: raw.prepare('DELETE FROM available_updates WHERE device_id = ?'),
      insertUpdate: raw.prepare(
        `INSERT OR REPLACE INTO available_updates (device_id, manager, name, arch, installed_version, candidate_version, security,
           severity, advisories_json, cves_json, origin, title, reboot_required)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // 0700-policies: when each available update was first seen (the policies' deferral reads it).
      recordSighting: raw.prepare('INSERT OR IGNORE INTO update_sightings (device_id, manager, name, version, first_seen_at) VALUES (?, ?, ?, ?, ?)'),
      pruneSightings: raw.prepare(
        `DELETE FROM update_sightings WHERE device_id = ? AND NOT EXISTS (SELECT 1 FROM available_updates a
           WHERE a.device_id = update_sightings.device_id AND a.manager = update_sightings.manager AND a.name = update_sightings.name
             AND a.candidate_version = update_sightings.version)`,
      ),
      insertReport: raw.prepare(
        `INSERT INTO inventory_reports (device_id, kind, hash, base_hash, collected_at, received_at, package_count, update_count,
           security_update_count, change_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertHistory: raw.prepare(
        `INSERT INTO package_history (device_id, report_id, manager, name, arch, change, from_version, to_version, observed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateDevice: raw.prepare(
        `UPDATE devices SET hostname = ?, facts_json = ?, os_platform = ?, os_id = ?, os_distro = ?, os_release = ?, arch = ?,
           inventory_hash = ?, inventory_at = ?, reboot_required = ?, reboot_json = ?, managers_json = ?, package_count = ?,
           update_count = ?, security_update_count = ?, last_seen_at = ?
         WHERE id = ?`,
      ),
    };
    cache.set(raw, s);
  }
  return s;
}

/**
 * Writes one inventory report. Synchronous on purpose: the caller runs it while it holds the
 * connection inside a transaction, so every statement is part of that transaction. Returns the
 * report id.
 */
export function writeInventory(raw: RawDatabase, write: InventoryWrite): number {
  const s = statements(raw);
  const id = write.deviceId;
  for (const r of write.remove) s.deletePackage.run(id, r.manager, r.name, r.arch);
  for (const p of write.upsert) s.upsertPackage.run(id, p.manager, p.name, p.arch, p.version, p.source?.name ?? null, p.source?.version ?? null, iso(p.since));
  s.deleteUpdates.run(id);
  for (const u of write.updates) {
    s.insertUpdate.run(
      id,
      u.manager,
      u.name,
      u.arch,
      u.installedVersion,
      u.candidateVersion,
      triState(u.security),
      u.severity ?? null,
      JSON.stringify(u.advisories),
      JSON.stringify(u.cves),
      u.origin ?? null,
      u.title ?? null,
      u.rebootRequired === undefined ? null : u.rebootRequired ? 1 : 0,
    );
  }
  const receivedAt = iso(write.receivedAt);
  // Sightings: one cheap keyed insert per update (ignored when known), and those no longer offered dropped.
  for (const u of write.updates) s.recordSighting.run(id, u.manager, u.name, u.candidateVersion, receivedAt);
  s.pruneSightings.run(id);
  const c = write.counts;
  const reportId = Number(
    s.insertReport.run(id, write.report.kind, write.report.hash, write.report.baseHash, write.report.collectedAt, receivedAt, c.packages, c.updates, c.securityUpdates, write.changes.length)
      .lastInsertRowid,
  );
  for (const h of write.changes) s.insertHistory.run(id, reportId, h.manager, h.name, h.arch, h.change, h.fromVersion, h.toVersion, iso(h.observedAt));
  const os = deviceOs(write.facts);
  s.updateDevice.run(
    write.facts.hostname,
    JSON.stringify(write.facts),
    os.platform,
    os.id,
    os.distro,
    os.release,
    write.facts.os.arch,
    write.report.hash,
    receivedAt,
    triState(write.reboot.required),
    JSON.stringify(write.reboot),
    JSON.stringify(write.managers),
    c.packages,
    c.updates,
    c.securityUpdates,
    receivedAt,
    id,
  );
  return reportId;
}
