export { acceptedAt, activeAt, existsAt, fixedAt, inFleetAt, inScope, isStaleAt, overdueAt } from './history.js';
export type { ComplianceDevice, FindingHistory, JobOutcome } from './history.js';
export { rollupSnapshots, snapshotRows } from './snapshot.js';
export type { SnapshotRollup } from './snapshot.js';
export { durationStats, median, percentile, ratio } from './stats.js';
export { computeComplianceSummary, failureRates, slices } from './summary.js';
export type { SummaryInput } from './summary.js';
