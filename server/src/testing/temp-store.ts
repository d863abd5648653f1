import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.js';

export interface TempStore {
  store: SqliteStore;
  dir: string;
  file: string;
  cleanup(): Promise<void>;
}

/** A migrated SQLite store in a fresh temp dir; `cleanup` closes it and removes the dir. */
export async function openTempStore(): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), 'patchwave-store-'));
  const file = join(dir, 'patchwave.db');
  const store = await openSqliteStore(file);
  return {
    store,
    dir,
    file,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
