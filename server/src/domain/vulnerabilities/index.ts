import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { DeviceService } from '../devices/device-service.js';
import type { InventoryService } from '../inventory/inventory-service.js';
import type { Store } from '../store.js';
import { AdvisoryService } from './advisory-service.js';
import { ComplianceService } from './compliance-service.js';
import type { VulnerabilityConfig } from './config.js';
import { DEFAULT_VULNERABILITY_CONFIG } from './config.js';
import { DeviceMatching } from './device-matching.js';
import { FeedImportService } from './feed-import.js';
import { FindingService } from './finding-service.js';
import { PatchPlanning } from './patch-planning.js';
import { ReportService } from './report-service.js';
import { VulnerabilityJobs } from './scheduled-jobs.js';

export { DEFAULT_VULNERABILITY_CONFIG, VulnerabilityConfig } from './config.js';
export { nodeCronScheduler } from './cron-scheduler.js';
export type { CronScheduler } from './cron-scheduler.js';
export { fetchFeed, fetchFeeds } from './feed-fetch.js';
export { resolveFindingSelection, toUpdateSelections } from './patch-planning.js';
export type { Operator } from './finding-service.js';
export type { ReportFormat, RenderedReport } from './report-service.js';
export type { DeviceMatchSummary } from './device-matching.js';
export type * from './ports.js';

/** The vulnerability area's services, as the transports (REST, CLI through REST, scheduler) use them. */
export interface VulnerabilityServices {
  config: VulnerabilityConfig;
  clock: Clock;
  advisories: AdvisoryService;
  feeds: FeedImportService;
  findings: FindingService;
  matching: DeviceMatching;
  compliance: ComplianceService;
  reports: ReportService;
  planning: PatchPlanning;
  jobs: VulnerabilityJobs;
}

export interface VulnerabilityDeps {
  store: Store;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  inventory: InventoryService;
  /** Asset changes (criticality, internet-facing tag) rescore the device's findings. */
  devices?: DeviceService;
  config?: VulnerabilityConfig;
  fetch?: typeof fetch;
}

/**
 * Wires the area and hooks matching into the inventory path: after a report's transaction
 * commits, the device is matched at that report (only its changed package groups are evaluated).
 * A matching failure is logged and never loses the inventory; the start-up catch-up re-matches it.
 */
export function createVulnerabilityServices(deps: VulnerabilityDeps): VulnerabilityServices {
  const config = deps.config ?? DEFAULT_VULNERABILITY_CONFIG;
  const log = deps.log.child({ area: 'vulnerabilities' });
  const { store, audit, clock } = deps;
  const matching = new DeviceMatching(store, audit, config, clock, log);
  const feeds = new FeedImportService(store, audit, config, clock, log);
  const findings = new FindingService(store, audit, clock, config);
  const compliance = new ComplianceService(store, config, clock, log);
  deps.inventory.onStored(async ({ deviceId, report }) => {
    try {
      const summary = await matching.matchDevice(deviceId, { id: report.id, receivedAt: report.receivedAt.toISOString() });
      if (summary) log.info({ ...summary, scope: summary.scope === 'all' ? 'all' : summary.scope.length }, 'device matched');
    } catch (err) {
      log.error({ err, deviceId, reportId: report.id }, 'matching the inventory failed; it is retried at the next start');
    }
  });
  deps.devices?.onUpdated(async ({ before, after, actor }) => {
    const tag = config.internetFacingTag;
    if (before.criticality === after.criticality && before.tags.includes(tag) === after.tags.includes(tag)) return;
    try {
      const changed = await findings.rescoreDevice(after.id, actor);
      log.info({ deviceId: after.id, changed }, 'findings rescored after an asset change');
    } catch (err) {
      log.error({ err, deviceId: after.id }, 'rescoring after an asset change failed');
    }
  });
  return {
    config,
    clock,
    advisories: new AdvisoryService(store, config, clock),
    feeds,
    findings,
    matching,
    compliance,
    reports: new ReportService(store, compliance, audit, clock),
    planning: new PatchPlanning(store, clock),
    jobs: new VulnerabilityJobs({ store, config, clock, log, feeds, findings, compliance, matching, ...(deps.fetch ? { fetch: deps.fetch } : {}) }),
  };
}
