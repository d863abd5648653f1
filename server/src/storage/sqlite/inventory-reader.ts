import type { ManagerName } from '@patchwave/shared';
import type { Database as RawDatabase, Statement } from 'better-sqlite3';
import type { StoredPackage } from '../../domain/inventory/package-change.js';

/** manager, name, version, arch, source_name, source_version, since */
type Row = [string, string, string, string, string | null, string | null, string];

// Prepared once per connection, like the writer's statements: every report reads the device's
// whole package list back, and building that query through Kysely each time cost more than running
// it. Rows come as arrays (raw mode), which better-sqlite3 builds in about half the time of objects.
const cache = new WeakMap<RawDatabase, Statement<[string], Row>>();

function statement(raw: RawDatabase): Statement<[string], Row> {
  let s = cache.get(raw);
  if (!s) {
    s = raw
      .prepare<[string], Row>(
        'SELECT manager, name, version, arch, source_name, source_version, since FROM installed_packages WHERE device_id = ? ORDER BY manager, name, arch',
      )
      .raw(true);
    cache.set(raw, s);
  }
  return s;
}

/**
 * Every installed package of the device, in key order. Synchronous, so that inside a transaction it
 * reads on the connection the transaction holds. Packages first seen together share one `since`
 * Date (most of a device's packages do); callers treat it as a value and never mutate it.
 */
export function readInstalled(raw: RawDatabase, deviceId: string): StoredPackage[] {
  const dates = new Map<string, Date>();
  return statement(raw)
    .all(deviceId)
    .map(([manager, name, version, arch, sourceName, sourceVersion, sinceText]) => {
      let since = dates.get(sinceText);
      if (!since) {
        since = new Date(sinceText);
        dates.set(sinceText, since);
      }
      const pkg: StoredPackage = { manager: manager as ManagerName, name, version, arch, since };
      if (sourceName !== null) pkg.source = sourceVersion === null ? { name: sourceName } : { name: sourceName, version: sourceVersion };
      return pkg;
    });
}
