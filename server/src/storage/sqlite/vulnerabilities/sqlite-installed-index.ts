import type { AffectedBinary, ManagerName } from '@patchwave/shared';
import type { Database as RawDatabase } from 'better-sqlite3';
import type { DeviceEcosystem } from '../../../domain/matching/ecosystem.js';
import type { DevicePackages, InstalledIndex } from '../../../domain/matching/installed-index.js';
import { matchableKey } from '../../../domain/matching/matchable.js';
import type { MatchablePackage } from '../../../domain/matching/matchable.js';
import { prepared } from './statements.js';

/**
 * The installed index in tables `match_keys` (key → integer id), `match_devices` (device →
 * number, ecosystem), `match_device_lookups` and `matchables` (one row per device × matchable,
 * keyed by numbers, indexed by key id for "which devices have this package"). It is the matcher's
 * own copy of what it last evaluated, so that a new inventory can be diffed against it.
 * Synchronous on the raw connection: use inside a store transaction. Key ids are cached only for
 * the life of this object (one transaction), so a rolled-back id is never reused from a cache.
 */

// Binaries: `manager\tname\tarch\tversion` lines (no field can hold a tab or a newline).
function encodeBinaries(bins: readonly AffectedBinary[]): string {
  return bins.map((b) => `${b.manager}\t${b.name}\t${b.arch}\t${b.version}`).join('\n');
}

function decodeBinaries(text: string): AffectedBinary[] {
  if (text === '') return [];
  return text.split('\n').map((line) => {
    const [manager, name, arch, version] = line.split('\t') as [string, string, string, string];
    return { manager: manager as ManagerName, name, arch, version };
  });
}

const nameOf = (key: string): string => key.slice(key.indexOf('\u0000') + 1);

interface Row {
  key_id: number;
  key: string;
  version: string;
  grp: string;
  binaries: string;
}

export class SqliteInstalledIndex implements InstalledIndex {
  private readonly ids = new Map<string, number>();
  private readonly ecosystems = new Map<string, DeviceEcosystem>();

  constructor(private readonly raw: RawDatabase) {}

  setDevice(deviceId: string, ecosystem: DeviceEcosystem, packages: readonly MatchablePackage[]): readonly MatchablePackage[] {
    const before = this.device(deviceId);
    const num = this.deviceNum(deviceId, ecosystem);
    const oldRows = new Map<string, string>();
    if (before) before.packages.forEach((p, i) => oldRows.set(`${before.keyIds[i]}\u0000${p.version}\u0000${p.group}`, encodeBinaries(p.binaries)));
    const insert = prepared(this.raw, 'INSERT OR REPLACE INTO matchables (device_num, key_id, version, grp, binaries) VALUES (?, ?, ?, ?, ?)');
    const seen = new Set<string>();
    for (const p of packages) {
      const keyId = this.keyId(p.key);
      const pk = `${keyId}\u0000${p.version}\u0000${p.group}`;
      const bins = encodeBinaries(p.binaries);
      seen.add(pk);
      if (oldRows.get(pk) !== bins) insert.run(num, keyId, p.version, p.group, bins);
    }
    const del = prepared(this.raw, 'DELETE FROM matchables WHERE device_num = ? AND key_id = ? AND version = ? AND grp = ?');
    for (const pk of oldRows.keys()) {
      if (seen.has(pk)) continue;
      const [keyId, version, grp] = pk.split('\u0000') as [string, string, string];
      del.run(num, Number(keyId), version, grp);
    }
    prepared(this.raw, 'DELETE FROM match_device_lookups WHERE device_num = ?').run(num);
    const lookup = prepared(this.raw, 'INSERT OR IGNORE INTO match_device_lookups (lookup, primary_key, device_num) VALUES (?, ?, ?)');
    for (const l of ecosystem.lookups) lookup.run(l, ecosystem.lookups[0], num);
    return before ? before.packages : [];
  }

  removeDevice(deviceId: string): void {
    const num = this.numOf(deviceId);
    if (num === undefined) return;
    prepared(this.raw, 'DELETE FROM matchables WHERE device_num = ?').run(num);
    prepared(this.raw, 'DELETE FROM match_device_lookups WHERE device_num = ?').run(num);
    prepared(this.raw, 'DELETE FROM match_devices WHERE num = ?').run(num);
  }

  device(deviceId: string): DevicePackages | undefined {
    const d = prepared(this.raw, 'SELECT num, ecosystem_json FROM match_devices WHERE device_id = ?').get(deviceId) as { num: number; ecosystem_json: string } | undefined;
    if (!d) return undefined;
    const rows = prepared(
      this.raw,
      'SELECT m.key_id, k.key, m.version, m.grp, m.binaries FROM matchables m JOIN match_keys k ON k.id = m.key_id WHERE m.device_num = ? ORDER BY m.key_id',
    ).all(d.num) as Row[];
    const keyIds = new Int32Array(rows.length);
    const packages = rows.map((r, i): MatchablePackage => {
      keyIds[i] = r.key_id;
      return { key: r.key, name: nameOf(r.key), group: r.grp, version: r.version, binaries: decodeBinaries(r.binaries) };
    });
    return { ecosystem: this.ecosystem(d.ecosystem_json), packages, keyIds };
  }

  *deviceIds(): Iterable<string> {
    for (const r of prepared(this.raw, 'SELECT device_id FROM match_devices ORDER BY num').iterate() as Iterable<{ device_id: string }>) yield r.device_id;
  }

  keyIdOf(primaryKey: string, name: string): number | undefined {
    const key = matchableKey(primaryKey, name);
    const cached = this.ids.get(key);
    if (cached !== undefined) return cached;
    const row = prepared(this.raw, 'SELECT id FROM match_keys WHERE key = ?').get(key) as { id: number } | undefined;
    if (row) this.ids.set(key, row.id);
    return row?.id;
  }

  *withPackage(primaryKey: string, name: string): Iterable<{ deviceId: string; ecosystem: DeviceEcosystem; package: MatchablePackage; keyId: number }> {
    const keyId = this.keyIdOf(primaryKey, name);
    if (keyId === undefined) return;
    const key = matchableKey(primaryKey, name);
    const rows = prepared(
      this.raw,
      'SELECT d.device_id, d.ecosystem_json, m.version, m.grp, m.binaries FROM matchables m JOIN match_devices d ON d.num = m.device_num WHERE m.key_id = ?',
    ).all(keyId) as { device_id: string; ecosystem_json: string; version: string; grp: string; binaries: string }[];
    for (const r of rows) {
      yield {
        deviceId: r.device_id,
        ecosystem: this.ecosystem(r.ecosystem_json),
        package: { key, name, group: r.grp, version: r.version, binaries: decodeBinaries(r.binaries) },
        keyId,
      };
    }
  }

  *primaryKeysFor(ecosystemKey: string): Iterable<string> {
    const rows = prepared(this.raw, 'SELECT DISTINCT primary_key FROM match_device_lookups WHERE lookup = ?').all(ecosystemKey) as { primary_key: string }[];
    for (const r of rows) yield r.primary_key;
  }

  private keyId(key: string): number {
    const cached = this.ids.get(key);
    if (cached !== undefined) return cached;
    let row = prepared(this.raw, 'SELECT id FROM match_keys WHERE key = ?').get(key) as { id: number } | undefined;
    if (!row) row = { id: Number(prepared(this.raw, 'INSERT INTO match_keys (key) VALUES (?)').run(key).lastInsertRowid) };
    this.ids.set(key, row.id);
    return row.id;
  }

  private numOf(deviceId: string): number | undefined {
    return (prepared(this.raw, 'SELECT num FROM match_devices WHERE device_id = ?').get(deviceId) as { num: number } | undefined)?.num;
  }

  private deviceNum(deviceId: string, ecosystem: DeviceEcosystem): number {
    const json = JSON.stringify(ecosystem);
    const num = this.numOf(deviceId);
    if (num !== undefined) {
      prepared(this.raw, 'UPDATE match_devices SET ecosystem_json = ? WHERE num = ?').run(json, num);
      return num;
    }
    return Number(prepared(this.raw, 'INSERT INTO match_devices (device_id, ecosystem_json) VALUES (?, ?)').run(deviceId, json).lastInsertRowid);
  }

  private ecosystem(json: string): DeviceEcosystem {
    let e = this.ecosystems.get(json);
    if (!e) this.ecosystems.set(json, (e = JSON.parse(json) as DeviceEcosystem));
    return e;
  }
}
