import { isValidTimeZone, PatchwaveError, type CronSource, type DeploymentTargets, type PolicySpec } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { DeploymentServices } from '../deployments/deployment-services.js';
import type { Device } from '../devices/device.js';
import type { Repositories, Store } from '../store.js';
import type { PolicyRecord } from './ports.js';

/** Everything the policy services share. */
export interface PolicyDeps {
  store: Store;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  /** Runs create, plan, approve, pause and resume deployments through the deployment area. */
  deployments: Pick<DeploymentServices, 'commands' | 'plans'>;
  /** Cron occurrences for `cron` recurrences (the maintenance windows' cron-parser adapter). */
  cron: CronSource;
}

export const policyTarget = (id: string) => `policy:${id}`;
/** The policy as an actor: what auto-approvals and policy-driven pauses are audited as. */
export const policyActor = (id: string) => `policy:${id}`;
/** A run as an actor: the author of the deployment it creates (so the policy may approve it). */
export const policyRunActor = (runId: string) => `policy-run:${runId}`;

/** By id, or by name (names are unique). */
export async function loadPolicy(repos: Pick<Repositories, 'policies'>, idOrName: string): Promise<PolicyRecord> {
  const byId = await repos.policies.get(idOrName);
  if (byId) return byId;
  const byName = (await repos.policies.list()).find((p) => p.name === idOrName);
  if (!byName) throw new PatchwaveError('E_NOT_FOUND', `policy ${idOrName} not found`);
  return byName;
}

/** The deployment targets a policy's scope stands for. */
export function scopeTargets(scope: PolicySpec['scope']): DeploymentTargets {
  return { tags: scope.tags, groups: scope.groups, os: scope.os, deviceIds: [], exclude: { tags: scope.exclude.tags, deviceIds: [] } };
}

export interface ZoneGroup {
  timeZone: string;
  devices: Device[];
  /** The devices use the fallback zone because they report none (or one the server does not know). */
  fallback: boolean;
}

/**
 * The time zones a policy's schedule is evaluated in, with their devices: the schedule's own zone
 * for every device, or with `device`, each device's reported zone (the fallback for those that
 * report none). A fixed zone is one group even without devices, so that the run is recorded.
 */
export function zoneGroups(spec: PolicySpec, devices: readonly Device[]): ZoneGroup[] {
  const tz = spec.schedule.timeZone;
  if (tz !== 'device') return [{ timeZone: tz, devices: [...devices], fallback: false }];
  const groups = new Map<string, ZoneGroup>();
  for (const d of devices) {
    const own = d.facts.timezone;
    const known = own !== undefined && isValidTimeZone(own);
    const zone = known ? own : spec.schedule.fallbackTimeZone;
    const key = `${zone}\u0000${known ? '' : 'fallback'}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { timeZone: zone, devices: [], fallback: !known }));
    g.devices.push(d);
  }
  return [...groups.values()].sort((a, b) => (a.timeZone < b.timeZone ? -1 : a.timeZone > b.timeZone ? 1 : Number(a.fallback) - Number(b.fallback)));
}
