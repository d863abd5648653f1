import type { Database as RawDatabase } from 'better-sqlite3';
import { sql } from 'kysely';
import type { Repositories, Store } from '../../domain/store.js';
import type { SqliteHandle } from './database.js';
import { openSqlite } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import type { MigrationReport } from './migrator.js';
import { migrate } from './migrator.js';
import type { Db } from './rows.js';
import { SqliteAgentCredentialRepository } from './sqlite-agent-credential-repository.js';
import { SqliteApiTokenRepository } from './sqlite-api-token-repository.js';
import { SqliteAuditRepository } from './sqlite-audit-repository.js';
import { SqliteDeploymentRepository } from './sqlite-deployment-repository.js';
import { SqliteDeviceJobRepository } from './sqlite-device-job-repository.js';
import { SqliteDeviceRepository } from './sqlite-device-repository.js';
import { SqliteEnrollmentTokenRepository } from './sqlite-enrollment-token-repository.js';
import { SqliteGroupSafetyRepository } from './sqlite-group-safety-repository.js';
import { SqliteInventoryRepository } from './sqlite-inventory-repository.js';
import { sqlitePolicyRepositories } from './sqlite-policy-repositories.js';
import { SqliteSessionRepository } from './sqlite-session-repository.js';
import { SqliteUserRepository } from './sqlite-user-repository.js';
import { SqliteJobResultRepository } from './sqlite-job-result-repository.js';
import { SqliteWaveRepository } from './sqlite-wave-repository.js';
import { sqliteVulnerabilityRepositories } from './vulnerabilities/index.js';

function repositories(db: Db, raw: RawDatabase): Repositories {
  return {
    devices: new SqliteDeviceRepository(db),
    inventory: new SqliteInventoryRepository(db, raw),
    enrollmentTokens: new SqliteEnrollmentTokenRepository(db),
    apiTokens: new SqliteApiTokenRepository(db),
    audit: new SqliteAuditRepository(db),
    users: new SqliteUserRepository(db),
    sessions: new SqliteSessionRepository(db),
    agentCredentials: new SqliteAgentCredentialRepository(db),
    deployments: new SqliteDeploymentRepository(db),
    waves: new SqliteWaveRepository(db),
    deviceJobs: new SqliteDeviceJobRepository(db),
    jobResults: new SqliteJobResultRepository(db),
    groupSafety: new SqliteGroupSafetyRepository(db),
    ...sqliteVulnerabilityRepositories(db, raw),
    ...sqlitePolicyRepositories(db),
  };
}

export interface SqliteStore extends Store {
  /** Migrations applied when the store was opened. */
  readonly migrations: MigrationReport;
  /** The Kysely handle, for storage-level tests and tools. */
  readonly db: Db;
}

/** Opens the database file, applies pending migrations and returns the store. */
export async function openSqliteStore(file: string, now: () => Date = () => new Date()): Promise<SqliteStore> {
  const handle: SqliteHandle = openSqlite(file);
  let report: MigrationReport;
  try {
    report = await migrate(handle.db, MIGRATIONS, now);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return {
    ...repositories(handle.db, handle.raw),
    migrations: report,
    db: handle.db,
    transaction: (fn) => handle.db.transaction().execute((trx) => fn(repositories(trx, handle.raw))),
    ping: async () => {
      await sql`SELECT 1`.execute(handle.db);
    },
    close: () => handle.close(),
  };
}
