import type { AvailableUpdate, PolicySpec, Priority } from '@patchwave/shared';
import { loadInventoryView } from '../deployments/inventory-view.js';
import type { Device } from '../devices/device.js';
import { isActive } from '../findings/finding.js';
import { fixesFor } from '../findings/fixes.js';
import type { Repositories } from '../store.js';
import type { RunDeviceSelection } from './ports.js';
import { fromFindingSeverity, selectForDevice, updateRiskKey, worseSeverity, type DeviceSelection, type UpdateRisk } from './update-selection.js';

/**
 * Loads what the selection needs for each device of a run — its available updates, when each was
 * first seen, and what its active findings say about them (KEV, priority, severity) — and applies
 * the policy's selection and deferral.
 */

export interface RunSelection {
  perDevice: { deviceId: string; selection: DeviceSelection }[];
  /** Devices with at least one update to install. */
  withWork: RunDeviceSelection[];
  /** Every selected package name (the deployment's `packages` selection). */
  names: string[];
  packages: number;
  deferred: number;
  expedited: number;
  /** Earliest moment a deferred update becomes due, for the operator. */
  nextDue: Date | null;
}

async function risksOf(repos: Pick<Repositories, 'findings'>, deviceId: string, updates: readonly AvailableUpdate[], now: Date): Promise<Map<string, UpdateRisk>> {
  const risks = new Map<string, UpdateRisk>();
  const at = now.toISOString();
  for (const f of await repos.findings.listByDevice(deviceId)) {
    if (!isActive(f, at)) continue;
    for (const v of fixesFor(f, updates)) {
      if (!v.fixes) continue;
      const key = updateRiskKey(v.update);
      const r = risks.get(key) ?? { kev: false, priorities: [] as Priority[], severity: null };
      r.kev ||= f.threat.kev !== null;
      if (!r.priorities.includes(f.score.priority)) r.priorities.push(f.score.priority);
      r.severity = worseSeverity(r.severity, fromFindingSeverity(f.severity));
      risks.set(key, r);
    }
  }
  return risks;
}

export async function selectRun(repos: Pick<Repositories, 'findings' | 'inventory' | 'updateSightings'>, spec: PolicySpec, devices: readonly Device[], now: Date): Promise<RunSelection> {
  const out: RunSelection = { perDevice: [], withWork: [], names: [], packages: 0, deferred: 0, expedited: 0, nextDue: null };
  const names = new Set<string>();
  for (const device of devices) {
    const { updates } = await loadInventoryView(repos.inventory, device.id, { kind: 'all' });
    const selection = selectForDevice(spec, updates, await risksOf(repos, device.id, updates, now), await repos.updateSightings.forDevice(device.id), now);
    out.perDevice.push({ deviceId: device.id, selection });
    out.deferred += selection.deferred.length;
    out.expedited += selection.selected.filter((s) => s.expedited).length;
    for (const d of selection.deferred) if (!out.nextDue || d.dueAt < out.nextDue) out.nextDue = d.dueAt;
    if (selection.selected.length === 0) continue;
    out.packages += selection.selected.length;
    for (const s of selection.selected) names.add(s.name);
    out.withWork.push({
      deviceId: device.id,
      changes: selection.selected.map((s) => ({ manager: s.manager, name: s.name, severity: s.severity, security: s.security })),
    });
  }
  out.names = [...names].sort();
  return out;
}

/**
 * Drops what an open deployment of the same policy already carries (device and package name), so
 * that a run while an earlier one is still waiting or rolling out does not deploy it twice.
 * Returns how many updates it dropped.
 */
export function excludeInFlight(sel: RunSelection, inFlight: ReadonlyMap<string, ReadonlySet<string>>): number {
  let dropped = 0;
  sel.withWork = sel.withWork
    .map((w) => {
      const busy = inFlight.get(w.deviceId);
      if (!busy) return w;
      const changes = w.changes.filter((c) => !busy.has(c.name));
      dropped += w.changes.length - changes.length;
      return { ...w, changes };
    })
    .filter((w) => w.changes.length > 0);
  sel.packages -= dropped;
  sel.names = [...new Set(sel.withWork.flatMap((w) => w.changes.map((c) => c.name)))].sort();
  return dropped;
}
