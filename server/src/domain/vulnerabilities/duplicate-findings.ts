import { compareVersions, schemeForManager } from '@patchwave/shared';
import type { ManagerName } from '@patchwave/shared';
import type { Finding, FindingEvent } from '../findings/finding.js';
import { markNotAffected } from '../findings/lifecycle.js';

/**
 * apt reports security updates by origin, without an advisory id: such an update becomes the
 * finding `apt:<source package>`. When an OSV advisory names the same package on the same device
 * and that update reaches its fixed version, both describe one fix: the OSV finding (with CVEs,
 * ranges and a score) is kept and the anonymous one is closed as not affected, saying why, instead
 * of counting the same missing update twice.
 */

type PackageManagerSide = Pick<Finding, 'source' | 'advisoryId' | 'ecosystem' | 'group' | 'fixedVersion' | 'deviceId'>;

const isAnonymous = (f: PackageManagerSide): boolean => f.source === 'package-manager' && f.advisoryId === `${f.ecosystem}:${f.group}`;
const isActive = (f: Finding): boolean => f.status === 'open' || f.status === 'accepted_risk';

/** The active OSV finding that explains an anonymous package-manager finding (or hit), if any. */
export function explainingFinding(pm: PackageManagerSide, osv: readonly Finding[]): Finding | undefined {
  if (!isAnonymous(pm) || pm.fixedVersion === null) return undefined;
  const scheme = schemeForManager(pm.ecosystem as ManagerName);
  const candidate = pm.fixedVersion;
  return osv.find(
    (o) => o.source === 'osv' && o.deviceId === pm.deviceId && o.group === pm.group && isActive(o) && o.fixedVersion !== null && compareVersions(scheme, candidate, o.fixedVersion) >= 0,
  );
}

/** Not-affected transitions for the active anonymous package-manager findings that OSV findings explain. */
export function retireExplained(packageManager: readonly Finding[], osv: readonly Finding[], at: string): { upserts: Finding[]; events: FindingEvent[] } {
  const upserts: Finding[] = [];
  const events: FindingEvent[] = [];
  for (const pm of packageManager) {
    if (!isActive(pm)) continue;
    const o = explainingFinding(pm, osv);
    if (!o) continue;
    const t = markNotAffected(pm, { reason: 'advisory_revised', note: `the ${pm.ecosystem} security update is the fix of ${o.advisoryId} (finding ${o.id})`, decidedAt: at });
    upserts.push(t.finding);
    events.push(t.event);
  }
  return { upserts, events };
}
