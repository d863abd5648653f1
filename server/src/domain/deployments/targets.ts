import { deviceGroups, type DeploymentTargets, type OsFilter } from '@patchwave/shared';
import type { Device } from '../devices/device.js';
import type { DeviceRepository } from '../devices/device-repository.js';

/** What target selection needs to know about a device. */
export type TargetCandidate = Pick<Device, 'id' | 'hostname' | 'tags' | 'os'>;

function osMatches(filter: OsFilter, os: TargetCandidate['os']): boolean {
  if (filter.platform !== os.platform) return false;
  if (filter.id !== undefined && filter.id.toLowerCase() !== os.id.toLowerCase()) return false;
  if (filter.release !== undefined && !os.release.startsWith(filter.release)) return false;
  return true;
}

/**
 * Whether a device is a target: it matches any of tags, groups, deviceIds (a saved query is
 * refused before this point); `os`, when given, narrows that set — alone, it selects every device
 * of those systems; `exclude` removes devices last.
 */
export function matchesTargets(device: TargetCandidate, targets: DeploymentTargets): boolean {
  if (targets.exclude.deviceIds.includes(device.id)) return false;
  if (targets.exclude.tags.some((t) => device.tags.includes(t))) return false;
  const groups = deviceGroups(device.tags);
  const selectors = targets.tags.length + targets.groups.length + targets.deviceIds.length;
  const selected =
    selectors === 0 ||
    targets.tags.some((t) => device.tags.includes(t)) ||
    targets.groups.some((g) => groups.includes(g)) ||
    targets.deviceIds.includes(device.id);
  if (!selected) return false;
  return targets.os.length === 0 || targets.os.some((f) => osMatches(f, device.os));
}

/** Words for an operator: what the targets select. */
export function describeTargets(t: DeploymentTargets): string {
  const parts = [
    t.tags.length ? `tags ${t.tags.join(', ')}` : '',
    t.groups.length ? `groups ${t.groups.join(', ')}` : '',
    t.deviceIds.length ? `${t.deviceIds.length} device id(s)` : '',
    t.os.length ? `os ${t.os.map((o) => [o.platform, o.id, o.release].filter(Boolean).join(' ')).join(' or ')}` : '',
  ].filter(Boolean);
  return parts.join('; ') || 'nothing';
}

/**
 * Devices read per query. Every page sorts the whole device table again (offset paging), so a fleet
 * of a few thousand is read in one query: starting a wave is on the path of its first offer.
 */
const PAGE = 5000;

/** Every enrolled device the targets select, by id. */
export async function resolveTargets(devices: DeviceRepository, targets: DeploymentTargets): Promise<Device[]> {
  const out: Device[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await devices.list({ sort: 'enrolledAt', order: 'asc', limit: PAGE, offset });
    out.push(...page.items.filter((d) => matchesTargets(d, targets)));
    if (page.items.length < PAGE) break;
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
