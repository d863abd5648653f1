import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Priority } from './findings.js';

/** Compliance metrics as the API, the CLI and the reports show them; computed from history. */

const id = z.string().min(1).max(LIMITS.id);
const text = (max: number = LIMITS.shortText) => z.string().max(max);
const timestamp = z.iso.datetime({ offset: true });
const day = z.iso.date();
const count = z.number().int().nonnegative();

/** A share with its parts, so that "100 %" of nothing is never shown as compliance. */
export const Ratio = z.object({
  numerator: count,
  denominator: count,
  /** null when the denominator is 0. */
  percent: z.number().min(0).max(100).nullable(),
});
export type Ratio = z.infer<typeof Ratio>;

export const DurationStats = z.object({
  count,
  medianDays: z.number().nonnegative().nullable(),
  p90Days: z.number().nonnegative().nullable(),
  meanDays: z.number().nonnegative().nullable(),
});
export type DurationStats = z.infer<typeof DurationStats>;

export const ComplianceDimension = z.enum(['all', 'tag', 'group', 'os']);
export type ComplianceDimension = z.infer<typeof ComplianceDimension>;

export const ComplianceScope = z.object({
  groups: z.array(text()).max(LIMITS.smallList).default([]),
  tags: z.array(text()).max(LIMITS.smallList).default([]),
  os: z.array(text()).max(LIMITS.smallList).default([]),
});
export type ComplianceScope = z.infer<typeof ComplianceScope>;

export const StaleDevice = z.object({
  deviceId: id,
  hostname: text(LIMITS.hostname),
  /** null when the device never reported an inventory. */
  lastSeenAt: timestamp.nullable(),
  daysSilent: z.number().nonnegative().nullable(),
});
export type StaleDevice = z.infer<typeof StaleDevice>;

export const CoverageBreakdown = z.object({
  dimension: ComplianceDimension,
  key: text(),
  devicesInScope: count,
  devicesStale: count,
  noOverdue: Ratio,
  noMissingSecurity: Ratio,
  openFindings: count,
  overdueFindings: count,
});
export type CoverageBreakdown = z.infer<typeof CoverageBreakdown>;

export const DeploymentFailureRate = z.object({
  deploymentId: id,
  failed: count,
  succeeded: count,
  rate: Ratio,
});
export type DeploymentFailureRate = z.infer<typeof DeploymentFailureRate>;

export const ComplianceSummary = z.object({
  asOf: timestamp,
  period: z.object({ from: timestamp, to: timestamp }),
  scope: ComplianceScope,
  staleAfterDays: z.number().int().positive(),
  devices: z.object({ total: count, inScope: count, stale: count }),
  coverage: z.object({
    /** Devices with no open security finding past its due date; stale devices count as not compliant. */
    noOverdue: Ratio,
    /** Devices with no open security finding at all; stale devices count as not compliant. */
    noMissingSecurity: Ratio,
  }),
  timeToPatch: z.object({ fromFirstSeen: DurationStats, fromPublished: DurationStats }),
  /** Mean days from first seen to fix evidence, over findings fixed in the period. */
  mttrDays: z.number().nonnegative().nullable(),
  /** Fixed on or before the due date, over findings fixed in the period plus those that fell overdue in it. */
  slaAttainment: Ratio,
  failureRate: z.object({ overall: Ratio, byDeployment: z.array(DeploymentFailureRate) }),
  openFindings: z.object({
    total: count,
    overdue: count,
    byPriority: z.record(Priority, count),
  }),
  staleDevices: z.array(StaleDevice),
  breakdown: z.array(CoverageBreakdown),
});
export type ComplianceSummary = z.infer<typeof ComplianceSummary>;

/**
 * One row of the daily snapshot table: counts for one day and one slice (the whole fleet, a tag, a
 * group or an OS). Sums (not averages) are kept so that any period can be rolled up from rows alone.
 */
export const ComplianceSnapshotRow = z.object({
  day,
  dimension: ComplianceDimension,
  key: text(),
  devicesInScope: count,
  devicesStale: count,
  devicesNoOverdue: count,
  devicesNoMissingSecurity: count,
  openFindings: count,
  overdueFindings: count,
  openP1: count,
  openP2: count,
  openP3: count,
  openP4: count,
  /** Findings whose fix evidence is dated this day. */
  fixed: count,
  fixedWithinSla: count,
  /** Sum over `fixed` of days from first seen to fix: MTTR for any period is Σ fixDaysSum / Σ fixed. */
  fixDaysSum: z.number().nonnegative(),
  /** Findings whose due date passed this day while still open. */
  becameOverdue: count,
});
export type ComplianceSnapshotRow = z.infer<typeof ComplianceSnapshotRow>;
