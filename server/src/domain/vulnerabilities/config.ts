import { z } from 'zod';
import { RiskModel } from '../findings/risk-score.js';
import { SlaPolicy } from '../findings/sla.js';

const MiB = 1024 * 1024;

/** A 5-field cron expression (UTC); checked again by the scheduler when it starts. */
const Cron = z.string().trim().regex(/^(\S+\s+){4}\S+$/, 'a 5-field cron expression such as "0 3 * * *" (UTC)');

export const FeedRefreshConfig = z
  .object({
    /** Off by default: an air-gapped server imports with `patchwave feeds import`. */
    enabled: z.boolean().default(false),
    schedule: Cron.default('0 3 * * *'),
    /** OSV zips, the KEV catalog, EPSS CSV(.gz), supersedence JSON: fetched and imported together, all or nothing. */
    urls: z.array(z.url({ protocol: /^https?$/ })).max(64).default([]),
    timeoutSeconds: z.number().int().min(5).max(3600).default(300),
    maxBytes: z.number().int().min(1024).max(8 * 1024 * MiB).default(1024 * MiB),
  })
  .strict()
  .refine((r) => !r.enabled || r.urls.length > 0, { message: 'refresh is enabled but no urls are configured', path: ['urls'] });
export type FeedRefreshConfig = z.infer<typeof FeedRefreshConfig>;

export const VulnerabilityConfig = z
  .object({
    feeds: z
      .object({
        refresh: FeedRefreshConfig.prefault({}),
        /** Largest `POST /api/v1/feeds/import` body (base64 inflates files by a third). */
        maxUploadBytes: z.number().int().min(1024).max(4 * 1024 * MiB).default(512 * MiB),
      })
      .strict()
      .prefault({}),
    sla: SlaPolicy.prefault({}),
    riskModel: RiskModel.prefault({}),
    /** The device tag that marks exposure in the risk score. */
    internetFacingTag: z.string().min(1).max(128).default('internet-facing'),
    /** Devices silent longer than this are called out and never counted compliant. */
    staleAfterDays: z.number().int().min(1).max(365).default(7),
    /** When the daily compliance snapshot of the previous day is written (UTC). */
    snapshotSchedule: Cron.default('10 0 * * *'),
    /** Days of snapshots written on start when missing (the 90-day chart). */
    snapshotBackfillDays: z.number().int().min(0).max(400).default(90),
  })
  .strict();
export type VulnerabilityConfig = z.infer<typeof VulnerabilityConfig>;

export const DEFAULT_VULNERABILITY_CONFIG: VulnerabilityConfig = VulnerabilityConfig.parse({});
