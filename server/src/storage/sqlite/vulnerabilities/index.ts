import type { Database as RawDatabase } from 'better-sqlite3';
import type { VulnerabilityRepositories } from '../../../domain/vulnerabilities/ports.js';
import type { Db } from '../rows.js';
import { SqliteAdvisoryRepository, sqliteAdvisoryLookup } from './sqlite-advisory-repository.js';
import { SqliteAffectedIndex } from './sqlite-affected-index.js';
import { SqliteComplianceRepository } from './sqlite-compliance-repository.js';
import { SqliteFeedImportRepository } from './sqlite-feed-import-repository.js';
import { SqliteFindingRepository } from './sqlite-finding-repository.js';
import { SqliteFleetView, sqliteAssetFacts } from './sqlite-fleet-view.js';
import { SqliteInstalledIndex } from './sqlite-installed-index.js';
import { SqliteMatchStateRepository } from './sqlite-match-state-repository.js';
import { SqliteSupersedenceRepository } from './sqlite-supersedence-repository.js';
import { SqliteThreatFeedRepository, SqliteThreatIntel } from './sqlite-threat-feeds.js';

/**
 * The vulnerability area's repositories on one connection or transaction. The matching ports
 * (`matching`) hold per-transaction caches: the store builds a fresh set for every transaction.
 */
export function sqliteVulnerabilityRepositories(db: Db, raw: RawDatabase): VulnerabilityRepositories {
  return {
    advisories: new SqliteAdvisoryRepository(db, raw),
    threatFeeds: new SqliteThreatFeedRepository(db, raw),
    supersedence: new SqliteSupersedenceRepository(db, raw),
    feedImports: new SqliteFeedImportRepository(db),
    findings: new SqliteFindingRepository(db, raw),
    compliance: new SqliteComplianceRepository(db, raw),
    fleet: new SqliteFleetView(db),
    matchState: new SqliteMatchStateRepository(db),
    matching: {
      affected: new SqliteAffectedIndex(raw),
      installed: new SqliteInstalledIndex(raw),
      intel: new SqliteThreatIntel(raw),
      advisory: sqliteAdvisoryLookup(raw),
      asset: sqliteAssetFacts(raw),
    },
  };
}

export { SqliteAffectedIndex } from './sqlite-affected-index.js';
export { SqliteInstalledIndex } from './sqlite-installed-index.js';
export { SqliteThreatIntel } from './sqlite-threat-feeds.js';
export { osKey } from './sqlite-compliance-repository.js';
