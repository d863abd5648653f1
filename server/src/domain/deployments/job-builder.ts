import type {
  AvailableUpdate,
  InstalledPackage,
  Job,
  JobAction,
  JobPackage,
  MaintenanceWindow,
  UpdateSelection,
} from '@patchwave/shared';
import type { WaveDeviceStatus } from './gates.js';
import type { DeviceJobRecord } from './ports.js';

/** What one device's inventory says, for choosing its packages. */
export interface DeviceInventoryView {
  installed: readonly InstalledPackage[];
  updates: readonly AvailableUpdate[];
}

export interface PackageChoice {
  packages: JobPackage[];
  /** Requested names or advisories that nothing on this device matches. */
  unmatched: { item: string; reason: string }[];
}

const pin = (u: AvailableUpdate): JobPackage => ({ manager: u.manager, name: u.name, version: u.candidateVersion, ...(u.arch ? { arch: u.arch } : {}) });

/**
 * The packages one device gets for a deployment's selection, pinned to the candidate versions its
 * inventory reported — so that every wave installs the version the canary proved, not a newer one
 * that appeared meanwhile. Security updates count only where the tool said so (`security: true`);
 * `unknown` is never taken for yes. A named package already at the asked version needs nothing.
 */
export function choosePackages(what: UpdateSelection, inv: DeviceInventoryView): PackageChoice {
  switch (what.kind) {
    case 'security':
      return { packages: inv.updates.filter((u) => u.security === true).map(pin), unmatched: [] };
    case 'all':
      return { packages: inv.updates.map(pin), unmatched: [] };
    case 'advisories': {
      const ids = new Set(what.ids);
      const hits = inv.updates.filter((u) => u.advisories.some((a) => ids.has(a)) || u.cves.some((c) => ids.has(c)));
      const found = new Set(hits.flatMap((u) => [...u.advisories, ...u.cves]));
      return {
        packages: hits.map(pin),
        unmatched: what.ids.filter((id) => !found.has(id)).map((id) => ({ item: id, reason: `no available update on this device fixes ${id}` })),
      };
    }
    case 'packages': {
      const packages: JobPackage[] = [];
      const unmatched: PackageChoice['unmatched'] = [];
      for (const p of what.packages) {
        const fits = (x: { manager: string; name: string; arch: string }) => x.name === p.name && (!p.manager || x.manager === p.manager) && (!p.arch || x.arch === p.arch);
        const installed = inv.installed.filter(fits);
        const update = inv.updates.find(fits);
        if (p.version !== null && installed.some((i) => i.version === p.version)) continue;
        if (update) packages.push({ ...pin(update), version: p.version ?? update.candidateVersion });
        else if (p.version !== null && installed[0]) packages.push({ manager: installed[0].manager, name: p.name, version: p.version, arch: installed[0].arch });
        else if (installed.length === 0 && p.manager) packages.push({ manager: p.manager, name: p.name, version: p.version, ...(p.arch ? { arch: p.arch } : {}) });
        else if (installed.length === 0) unmatched.push({ item: p.name, reason: `no package manager on this device reports ${p.name}; name the manager to install it` });
      }
      return { packages, unmatched };
    }
  }
}

export interface JobInput {
  jobId: string;
  deviceId: string;
  deploymentId?: string;
  action: JobAction;
  now: Date;
  window?: MaintenanceWindow | null;
  deadline?: Date | null;
  timeoutMinutes?: number;
  /** How long an offer stays valid without a deadline (default 7 days). */
  validForMs?: number;
}

/**
 * A job envelope ready to sign and offer. It stays valid until the deadline (so a device can hold
 * it until its window) or, without one, for `validForMs`; notBefore is a minute before issue.
 */
export function buildJob(input: JobInput): Job {
  const expires = input.deadline ?? new Date(input.now.getTime() + (input.validForMs ?? 7 * 86_400_000));
  return {
    jobId: input.jobId,
    deviceId: input.deviceId,
    ...(input.deploymentId ? { deploymentId: input.deploymentId } : {}),
    action: input.action,
    issuedAt: input.now.toISOString(),
    notBefore: new Date(input.now.getTime() - 60_000).toISOString(),
    expiresAt: expires.toISOString(),
    ...(input.window ? { window: input.window } : {}),
    ...(input.deadline ? { deadline: input.deadline.toISOString() } : {}),
    ...(input.timeoutMinutes ? { timeoutMinutes: input.timeoutMinutes } : {}),
  };
}

/** What the gates need from a stored device job. */
export function toWaveDeviceStatus(job: DeviceJobRecord): WaveDeviceStatus {
  return { deviceId: job.deviceId, state: job.state, finishedAt: job.finishedAt, rebootedAt: job.rebootedAt, checkedInAt: job.checkedInAt, errorCode: job.errorCode };
}
