import { deviceGroups, type HealthProbe, type JobSafety, type PackageHold, type PreflightChecks } from '@patchwave/shared';
import type { GroupSafetyRecord } from './group-safety-repository.js';

/** The group whose settings apply to every device. */
export const EVERY_DEVICE = '*';

/** A hold with the group it came from (for refusals and plan flags). */
export type GroupHold = PackageHold & { group: string };

/** What one device gets from all its groups together. */
export interface DeviceSafety {
  /** The groups whose settings took part (`*` included when it has settings). */
  groups: string[];
  holds: GroupHold[];
  probes: HealthProbe[];
  preflight: PreflightChecks | undefined;
  /** The longest settle time any group asks for. */
  settleMs: number | undefined;
}

/** The groups whose safety settings apply to a device with these tags: its own and `*`. */
export function safetyGroupsOf(tags: readonly string[]): string[] {
  return [EVERY_DEVICE, ...new Set(deviceGroups(tags))];
}

const REBOOT_STRICTNESS: Record<PreflightChecks['pendingReboot'], number> = { ignore: 0, 'reboot-first': 1, skip: 2 };

/**
 * The strictest of several pre-flight settings: the largest disk threshold, any lock or power
 * requirement, and for a pending reboot `skip` over `reboot-first` over `ignore` (skipping neither
 * patches nor reboots a device behind its owner's back).
 */
export function strictestPreflight(all: readonly PreflightChecks[]): PreflightChecks | undefined {
  if (all.length === 0) return undefined;
  return all.reduce((a, b) => ({
    minFreeDiskMb: Math.max(a.minFreeDiskMb, b.minFreeDiskMb),
    requireLockFree: a.requireLockFree || b.requireLockFree,
    requireAcPower: a.requireAcPower || b.requireAcPower,
    pendingReboot: REBOOT_STRICTNESS[b.pendingReboot] > REBOOT_STRICTNESS[a.pendingReboot] ? b.pendingReboot : a.pendingReboot,
  }));
}

const sameProbe = (a: HealthProbe, b: HealthProbe) => JSON.stringify(a) === JSON.stringify(b);
const sameHold = (a: PackageHold, b: PackageHold) => a.name === b.name && a.manager === b.manager && a.versionRange === b.versionRange;

/**
 * Merges the settings of a device's groups (records in group order, `*` first): holds and probes
 * are added up (an identical one counted once), the pre-flight is the strictest. Two groups that
 * use one probe name for different checks both keep theirs: the later one is renamed
 * `<name>-<group index>` so that probe outcomes stay unambiguous.
 */
export function mergeSafety(records: readonly GroupSafetyRecord[]): DeviceSafety {
  const holds: GroupHold[] = [];
  const probes: HealthProbe[] = [];
  records.forEach((r, index) => {
    for (const h of r.settings.holds) if (!holds.some((x) => sameHold(x, h))) holds.push({ ...h, group: r.group });
    for (const p of r.settings.probes) {
      const clash = probes.find((x) => x.name === p.name);
      if (clash && sameProbe(clash, p)) continue;
      probes.push(clash ? { ...p, name: `${p.name.slice(0, 60)}-${index}` } : p);
    }
  });
  return {
    groups: records.map((r) => r.group),
    holds,
    probes,
    preflight: strictestPreflight(records.flatMap((r) => (r.settings.preflight ? [r.settings.preflight] : []))),
    settleMs: records.reduce<number | undefined>((m, r) => (r.settings.settleMs === undefined ? m : Math.max(m ?? 0, r.settings.settleMs)), undefined),
  };
}

/** A hold as the agent gets it: the group goes into the reason, so that the agent's refusal names it. */
export function jobHold(h: GroupHold): PackageHold {
  const reason = `group ${h.group}${h.reason ? `: ${h.reason}` : ''}`.slice(0, 256);
  return { name: h.name, ...(h.manager ? { manager: h.manager } : {}), ...(h.versionRange ? { versionRange: h.versionRange } : {}), reason };
}

/**
 * The `safety` block of an apply job, or undefined when there is nothing to check or enforce (a
 * rollback rule without probes could never fire, so it alone sends no block). Every field is explicit (no schema defaults left to fill), so the signed bytes are what the
 * agent reads.
 */
export function jobSafety(s: DeviceSafety, rollbackOnHealthFailure: boolean): JobSafety | undefined {
  if (s.holds.length === 0 && s.probes.length === 0 && !s.preflight) return undefined;
  return {
    probes: s.probes,
    ...(s.preflight ? { preflight: s.preflight } : {}),
    holds: s.holds.map(jobHold),
    rollbackOnHealthFailure,
    ...(s.settleMs !== undefined ? { settleMs: s.settleMs } : {}),
  };
}
