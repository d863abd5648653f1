import type { AvailableUpdate } from '@patchwave/shared';
import type { Database as RawDatabase, Statement } from 'better-sqlite3';
import { triState } from './rows.js';

/** manager, name, arch, installed_version, candidate_version, security, severity, advisories_json, cves_json, origin, title, reboot_required */
type UpdateRow = [string, string, string, string | null, string, string, string | null, string, string, string | null, string | null, number | null];

interface Statements {
  select: Statement<[string], UpdateRow>;
  delete: Statement;
  upsert: Statement;
  recordSighting: Statement;
  pruneSightings: Statement;
}

const cache = new WeakMap<RawDatabase, Statements>();

function statements(raw: RawDatabase): Statements {
  let s = cache.get(raw);
  if (!s) {
    s = {
      select: raw
        .prepare<[string], UpdateRow>(
          `SELECT manager, name, arch, installed_version, candidate_version, security, severity, advisories_json, cves_json, origin, title,
             reboot_required FROM available_updates WHERE device_id = ?`,
        )
        .raw(true),
      delete: raw.prepare('DELETE FROM available_updates WHERE device_id = ? AND manager = ? AND name = ? AND arch = ?'),
      upsert: raw.prepare(
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
    };
    cache.set(raw, s);
  }
  return s;
}

function toRow(u: AvailableUpdate): UpdateRow {
  return [
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
  ];
}

// The table's primary key after the device (a packageKey could merge names containing NUL).
const rowKey = (row: UpdateRow): string => JSON.stringify([row[0], row[1], row[2]]);

const sameRow = (a: UpdateRow, b: UpdateRow): boolean => a.every((v, i) => v === b[i]);

/**
 * Makes the device's available updates exactly `updates` (a later duplicate key wins), writing only
 * the rows that differ: most reports offer the same updates as the last one, and rewriting them
 * all also rewrote their entries in two fleet-wide indexes. Then records when each offered update
 * was first seen and forgets sightings of updates no longer offered. Runs inside the caller's
 * transaction.
 */
export function writeAvailableUpdates(raw: RawDatabase, deviceId: string, updates: readonly AvailableUpdate[], receivedAt: string): void {
  const s = statements(raw);
  const next = new Map<string, UpdateRow>();
  for (const u of updates) {
    const row = toRow(u);
    next.set(rowKey(row), row);
  }
  for (const old of s.select.all(deviceId)) {
    const key = rowKey(old);
    const row = next.get(key);
    if (row === undefined) s.delete.run(deviceId, old[0], old[1], old[2]);
    else if (sameRow(row, old)) next.delete(key);
  }
  for (const row of next.values()) s.upsert.run(deviceId, ...row);
  for (const u of updates) s.recordSighting.run(deviceId, u.manager, u.name, u.candidateVersion, receivedAt);
  s.pruneSightings.run(deviceId);
}
