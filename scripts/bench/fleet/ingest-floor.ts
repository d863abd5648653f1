import Database from 'better-sqlite3';
import type { InstalledPackage } from '@patchwave/shared';

/**
 * The floor for inventory ingest: the same package rows inserted with raw better-sqlite3 into a
 * table shaped like `installed_packages` (same columns, same primary key, WAL), one prepared
 * statement, one transaction for everything. No hashing, no diff, no history, no device row.
 * Returns rows per second.
 */
export function rawInsertRowsPerSecond(file: string, devices: readonly { id: string; packages: readonly InstalledPackage[] }[]): number {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE installed_packages (device_id TEXT NOT NULL, manager TEXT NOT NULL, name TEXT NOT NULL, arch TEXT NOT NULL,
      version TEXT NOT NULL, source_name TEXT, source_version TEXT, since TEXT NOT NULL, PRIMARY KEY (device_id, manager, name, arch)) STRICT, WITHOUT ROWID`);
    const insert = db.prepare('INSERT INTO installed_packages VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const since = new Date().toISOString();
    let rows = 0;
    const t0 = performance.now();
    db.transaction(() => {
      for (const d of devices) {
        for (const p of d.packages) {
          insert.run(d.id, p.manager, p.name, p.arch, p.version, p.source?.name ?? null, p.source?.version ?? null, since);
          rows++;
        }
      }
    })();
    return (rows / (performance.now() - t0)) * 1000;
  } finally {
    db.close();
  }
}
