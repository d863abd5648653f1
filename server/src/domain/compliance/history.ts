import type { ComplianceScope, Priority } from '@patchwave/shared';
import type { Finding } from '../findings/finding.js';

/**
 * The history compliance is computed from. Findings carry their own intervals (first seen →
 * resolved, exception approved → expires), so any past instant can be evaluated; devices carry
 * when they joined and left the fleet and when they last reported.
 */

export interface ComplianceDevice {
  id: string;
  hostname: string;
  tags: readonly string[];
  groups: readonly string[];
  /** Display key for the OS breakdown, e.g. `Debian 12`, `Windows 11 23H2`. */
  os: string;
  enrolledAt: string;
  /** Last inventory or heartbeat; null when it never reported. */
  lastSeenAt: string | null;
  retiredAt: string | null;
}

export type FindingHistory = Pick<
  Finding,
  'id' | 'deviceId' | 'status' | 'firstSeenAt' | 'resolvedAt' | 'dueAt' | 'advisoryPublishedAt' | 'exception' | 'evidence'
> & { score: { priority: Priority } };

/** The outcome of one device's part in a deployment (from the deployment engine). */
export interface JobOutcome {
  deploymentId: string;
  deviceId: string;
  status: 'succeeded' | 'failed' | 'cancelled' | 'skipped';
  finishedAt: string;
}

export const DAY_MS = 86_400_000;

export function inScope(d: ComplianceDevice, scope: ComplianceScope): boolean {
  return (
    (scope.groups.length === 0 || d.groups.some((g) => scope.groups.includes(g))) &&
    (scope.tags.length === 0 || d.tags.some((t) => scope.tags.includes(t))) &&
    (scope.os.length === 0 || scope.os.includes(d.os))
  );
}

/** Enrolled and not retired at `t`. */
export function inFleetAt(d: ComplianceDevice, t: number): boolean {
  return Date.parse(d.enrolledAt) <= t && (d.retiredAt === null || Date.parse(d.retiredAt) > t);
}

/** Not heard from for more than `staleDays` at `t` (or never): called out, never counted compliant. */
export function isStaleAt(d: ComplianceDevice, t: number, staleDays: number): boolean {
  return d.lastSeenAt === null || t - Date.parse(d.lastSeenAt) > staleDays * DAY_MS;
}

/** Present on the device at `t`: first seen, not yet resolved. */
export function existsAt(f: FindingHistory, t: number): boolean {
  return Date.parse(f.firstSeenAt) <= t && (f.resolvedAt === null || Date.parse(f.resolvedAt) > t);
}

export function acceptedAt(f: FindingHistory, t: number): boolean {
  return f.exception !== null && Date.parse(f.exception.approvedAt) <= t && Date.parse(f.exception.expiresAt) > t;
}

/** Needs fixing at `t`: present and not under a valid exception. */
export function activeAt(f: FindingHistory, t: number): boolean {
  return existsAt(f, t) && !acceptedAt(f, t);
}

export function overdueAt(f: FindingHistory, t: number): boolean {
  return activeAt(f, t) && Date.parse(f.dueAt) < t;
}

/** When it was fixed (fix evidence), or null. */
export function fixedAt(f: FindingHistory): number | null {
  return f.status === 'fixed' && f.evidence ? Date.parse(f.evidence.observedAt) : null;
}

export function groupByDevice<T extends { deviceId: string }>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const list = m.get(i.deviceId);
    if (list) list.push(i);
    else m.set(i.deviceId, [i]);
  }
  return m;
}
