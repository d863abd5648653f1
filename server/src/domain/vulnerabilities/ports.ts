import type { AvailableUpdate, ComplianceDimension, ComplianceSnapshotRow, FindingSource, FindingState, Priority } from '@patchwave/shared';
import type { Advisory } from '../advisories/advisory.js';
import type { EpssFeed } from '../advisories/epss.js';
import type { ImportPlan, StoredVersion } from '../advisories/import-plan.js';
import type { KevCatalog, KevEntry } from '../advisories/kev.js';
import type { EpssScore } from '../advisories/epss.js';
import type { ThreatIntel } from '../advisories/threat-intel.js';
import type { ComplianceDevice, FindingHistory } from '../compliance/history.js';
import type { AdvisoryLookup } from '../findings/assess.js';
import type { Finding, FindingEvent } from '../findings/finding.js';
import type { AffectedIndex } from '../matching/affected-index.js';
import type { InstalledIndex } from '../matching/installed-index.js';
import type { SupersedenceEdge } from '../matching/kb-supersedence.js';
import type { Page } from '../paging.js';

/**
 * Storage ports of the vulnerability area. SQLite implements them in
 * server/src/storage/sqlite/vulnerabilities/; each has a contract suite in
 * server/src/storage/contract/. The matching ports are synchronous (phase 1's matcher calls them
 * in tight loops): they are bound to the store's connection and valid only inside
 * `store.transaction`.
 */

/** Where a stored record came from. */
export interface Provenance {
  importId: string;
  /** The file as given to the import (`debian.zip!DSA-1.json`, `known_exploited_vulnerabilities.json`). */
  feedFile: string;
  importedAt: string;
}

export interface StoredAdvisory {
  advisory: Advisory;
  provenance: Provenance & { firstImportedAt: string };
}

export interface AdvisoryQuery {
  cve?: string;
  /** Exact package name in any affected entry. */
  package?: string;
  limit: number;
  offset: number;
}

export interface AdvisoryRepository {
  /** Hash and `modified` of every stored advisory among `ids` (import planning). */
  storedVersions(ids: readonly string[]): Promise<Map<string, StoredVersion>>;
  upsertMany(rows: readonly { advisory: Advisory; hash: string; feedFile: string }[], importId: string, at: string): Promise<void>;
  get(id: string): Promise<StoredAdvisory | null>;
  /** Newest `modified` first. */
  list(query: AdvisoryQuery): Promise<Page<StoredAdvisory>>;
  count(): Promise<number>;
}

export interface ThreatFeedState {
  /** KEV catalogVersion / EPSS model version. */
  version: string;
  /** KEV dateReleased / EPSS score date. */
  released: string;
  entries: number;
  provenance: Provenance;
}

/** KEV and EPSS as stored: whole-list replacements with their catalog/model version. */
export interface ThreatFeedRepository {
  kevVersions(): Promise<Map<string, StoredVersion>>;
  epssVersions(): Promise<Map<string, StoredVersion>>;
  applyKev(plan: ImportPlan<KevEntry>, catalog: Pick<KevCatalog, 'catalogVersion' | 'dateReleased'>, provenance: Provenance): Promise<void>;
  applyEpss(plan: ImportPlan<EpssScore>, feed: Pick<EpssFeed, 'modelVersion' | 'scoreDate'>, provenance: Provenance): Promise<void>;
  state(): Promise<{ kev: ThreatFeedState | null; epss: ThreatFeedState | null }>;
  counts(): Promise<{ kev: number; epss: number }>;
}

export interface SupersedenceRepository {
  edges(): Promise<SupersedenceEdge[]>;
  /** Adds edges (never removes: a supersedence is a fact about two published updates). Returns how many were new. */
  addEdges(edges: readonly SupersedenceEdge[], importId: string): Promise<number>;
  count(): Promise<number>;
}

export type FeedOrigin = 'upload' | 'url' | 'schedule';

export interface FeedImportSource {
  name: string;
  kind: 'osv' | 'osv-zip' | 'kev' | 'epss' | 'kb-supersedence';
  records: number;
  bytes: number;
  sha256: string;
  url?: string;
}

export interface FeedImportRecord {
  id: string;
  startedAt: string;
  finishedAt: string;
  actor: string;
  origin: FeedOrigin;
  sources: FeedImportSource[];
  counts: Record<string, unknown>;
  findings: Record<string, number>;
  warnings: { file: string; message: string }[];
}

export interface FeedImportRepository {
  /** Written first (stored rows reference it), completed by `finish`. */
  begin(record: Pick<FeedImportRecord, 'id' | 'startedAt' | 'actor' | 'origin' | 'sources'>): Promise<void>;
  finish(id: string, done: Pick<FeedImportRecord, 'finishedAt' | 'counts' | 'findings' | 'warnings'>): Promise<void>;
  get(id: string): Promise<FeedImportRecord | null>;
  /** Newest first. */
  list(limit: number, offset: number): Promise<Page<FeedImportRecord>>;
}

export type FindingSort = 'score' | 'dueAt' | 'firstSeenAt' | 'lastSeenAt';

export interface FindingQuery {
  priorities?: readonly Priority[];
  /** States at `now` (overdue is a state; an expired exception is open again). */
  states?: readonly FindingState[];
  cve?: string;
  /** Package group (source package, KB) or binary name. */
  package?: string;
  deviceId?: string;
  tag?: string;
  advisoryId?: string;
  source?: FindingSource;
  kev?: boolean;
  sort: FindingSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface StoredFindingEvent extends FindingEvent {
  id: number;
}

export type ExceptionEnd = 'revoked' | 'expired' | 'fixed' | 'replaced' | 'not_affected';

export interface RiskExceptionRecord {
  id: number;
  findingId: string;
  deviceId: string;
  reason: string;
  approver: string;
  approvedAt: string;
  expiresAt: string;
  endedAt: string | null;
  endedBy: string | null;
  endReason: ExceptionEnd | null;
}

export interface FindingRepository {
  get(id: string): Promise<Finding | null>;
  getMany(ids: readonly string[]): Promise<Finding[]>;
  /** Every finding of the device, any status. */
  listByDevice(deviceId: string): Promise<Finding[]>;
  listByAdvisory(advisoryId: string): Promise<Finding[]>;
  /** Open and accepted findings; with `cves`, only those naming one of them. */
  listActive(filter?: { cves?: readonly string[]; deviceIds?: readonly string[] }): Promise<Finding[]>;
  /** Accepted risks whose exception expired at or before `now`. */
  listExpiredExceptions(now: string): Promise<Finding[]>;
  /** Stores changed findings (whole rows) and appends their events; returns the events with ids. */
  save(upserts: readonly Finding[], events: readonly FindingEvent[], at: string): Promise<StoredFindingEvent[]>;
  query(query: FindingQuery, now: string): Promise<Page<Finding>>;
  events(findingId: string): Promise<StoredFindingEvent[]>;
  openException(e: Omit<RiskExceptionRecord, 'id' | 'endedAt' | 'endedBy' | 'endReason'>): Promise<void>;
  /** Ends the finding's open exception (if any). */
  endException(findingId: string, at: string, by: string | null, reason: ExceptionEnd): Promise<void>;
  listExceptions(query: { findingId?: string; activeAt?: string; limit: number; offset: number }): Promise<Page<RiskExceptionRecord>>;
}

/** A device as compliance needs it, with its maintained finding counts at the last refresh. */
export interface ComplianceDeviceRow extends ComplianceDevice {
  criticality: string;
  present: number;
  active: number;
  overdue: number;
  openByPriority: Record<Priority, number>;
}

export interface FixedFindingRow {
  deviceId: string;
  firstSeenAt: string;
  fixedAt: string;
  publishedAt: string | null;
  dueAt: string;
}

export interface ComplianceRepository {
  /** Recomputes the maintained counts of these devices from their findings, as of `now`. */
  refreshDevices(deviceIds: readonly string[], now: string): Promise<void>;
  /** Recomputes devices whose counts change at or before `now` (a due date or an exception expiry passed); returns how many. */
  refreshDue(now: string): Promise<number>;
  devices(): Promise<ComplianceDeviceRow[]>;
  /** Findings whose fix evidence is dated in [from, to]. */
  fixedBetween(from: string, to: string): Promise<FixedFindingRow[]>;
  /** Device ids of unfixed findings that fell due in [from, to], present at their due date and not accepted before it. */
  unfixedDueBetween(from: string, to: string): Promise<string[]>;
  /** The whole history the reference computation needs (past periods, daily snapshots). */
  history(upTo: string): Promise<{ devices: ComplianceDevice[]; findings: FindingHistory[] }>;
  saveSnapshots(rows: readonly ComplianceSnapshotRow[], at: string): Promise<void>;
  snapshots(slice: { dimension: ComplianceDimension; key: string }, fromDay: string, toDay: string): Promise<ComplianceSnapshotRow[]>;
  snapshotDays(fromDay: string, toDay: string): Promise<string[]>;
}

/** Read-only views across the fleet's inventories. */
export interface FleetView {
  /** Available updates per device (all devices when `deviceIds` is omitted). */
  availableUpdates(deviceIds?: readonly string[]): Promise<Map<string, AvailableUpdate[]>>;
  hostnames(deviceIds: readonly string[]): Promise<Map<string, string>>;
  /** Device ids carrying every one of `tags` (groups are `group=NAME` tags). */
  devicesWithTags(tags: readonly string[]): Promise<string[]>;
}

export interface DeviceMatchState {
  deviceId: string;
  reportId: number;
  matchedAt: string;
  ecosystem: string | null;
  unsupportedReason: string | null;
}

export interface MatchStateRepository {
  get(deviceId: string): Promise<DeviceMatchState | null>;
  set(state: DeviceMatchState): Promise<void>;
  /** Devices whose newest inventory report was not matched yet (crash between store and match). */
  pending(): Promise<{ deviceId: string; reportId: number; receivedAt: string }[]>;
}

/** What the asset context of a device is computed from. */
export interface AssetFacts {
  criticality: string;
  tags: readonly string[];
}

/** Synchronous ports for matching and scoring, bound to the open transaction. */
export interface MatchingPorts {
  affected: AffectedIndex;
  installed: InstalledIndex;
  intel: ThreatIntel;
  advisory: AdvisoryLookup;
  asset(deviceId: string): AssetFacts | undefined;
}

export interface VulnerabilityRepositories {
  advisories: AdvisoryRepository;
  threatFeeds: ThreatFeedRepository;
  supersedence: SupersedenceRepository;
  feedImports: FeedImportRepository;
  findings: FindingRepository;
  compliance: ComplianceRepository;
  fleet: FleetView;
  matchState: MatchStateRepository;
  matching: MatchingPorts;
}
