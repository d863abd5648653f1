import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { ComplianceService } from './compliance-service.js';
import type { VulnerabilityConfig } from './config.js';
import type { CronScheduler } from './cron-scheduler.js';
import type { DeviceMatching } from './device-matching.js';
import type { FeedImportService } from './feed-import.js';
import { fetchFeeds } from './feed-fetch.js';
import type { FindingService } from './finding-service.js';
import type { Store } from '../store.js';

/** Every minute: exceptions that expired reopen their findings; counts whose due date passed are refreshed. */
const SWEEP = '* * * * *';

/**
 * The vulnerability area's background work: the scheduled feed refresh (off by default), the
 * daily compliance snapshot, the minute sweep, and at start the re-matching of inventories stored
 * but not matched (a crash in between) and missing snapshots.
 */
export class VulnerabilityJobs {
  private readonly tasks: { stop(): void }[] = [];

  constructor(
    private readonly deps: {
      store: Store;
      config: VulnerabilityConfig;
      clock: Clock;
      log: Logger;
      feeds: FeedImportService;
      findings: FindingService;
      compliance: ComplianceService;
      matching: DeviceMatching;
      fetch?: typeof fetch;
    },
  ) {}

  start(scheduler: CronScheduler): void {
    const { config, log } = this.deps;
    const guard = (name: string, task: () => Promise<unknown>) => async () => {
      try {
        await task();
      } catch (err) {
        log.error({ err, job: name }, 'scheduled job failed');
      }
    };
    if (config.feeds.refresh.enabled) {
      this.tasks.push(scheduler.schedule(config.feeds.refresh.schedule, guard('feed-refresh', () => this.refreshFeeds())));
      log.info({ schedule: config.feeds.refresh.schedule, urls: config.feeds.refresh.urls.length }, 'feed refresh scheduled');
    }
    this.tasks.push(scheduler.schedule(config.snapshotSchedule, guard('compliance-snapshot', () => this.deps.compliance.backfill())));
    this.tasks.push(scheduler.schedule(SWEEP, guard('sweep', () => this.sweep())));
  }

  /** Work to catch up on at start; awaited by tests, not by the server's start. */
  async catchUp(): Promise<{ rematched: number; snapshots: number }> {
    const rematched = await this.deps.matching.resumePending();
    const snapshots = (await this.deps.compliance.backfill()).length;
    return { rematched, snapshots };
  }

  async sweep(): Promise<{ expired: number; refreshed: number }> {
    const expired = await this.deps.findings.expireExceptions();
    const refreshed = await this.deps.store.compliance.refreshDue(this.deps.clock.now().toISOString());
    return { expired, refreshed };
  }

  /** Downloads the configured feeds and imports them as one import (all or nothing). */
  async refreshFeeds() {
    const { config } = this.deps;
    const r = config.feeds.refresh;
    const files = await fetchFeeds(r.urls, { maxBytes: r.maxBytes, timeoutMs: r.timeoutSeconds * 1000 }, this.deps.fetch);
    return this.deps.feeds.import(files, { actor: 'system:feed-refresh', origin: 'schedule', urls: new Map(files.map((f) => [f.name, f.url])) });
  }

  stop(): void {
    for (const t of this.tasks.splice(0)) t.stop();
  }
}
