import { blockingHold, describeHold, holdApplies, holdForbids, PatchwaveError, type JobPackage, type ManagerPlan, type PlanFlag, type UpdateSelection } from '@patchwave/shared';
import { EVERY_DEVICE, type GroupHold } from './merge.js';

export interface HeldPackage {
  pkg: JobPackage;
  hold: GroupHold;
}

/**
 * Leaves out of a device's chosen packages every one its holds forbid: a package held outright,
 * or a candidate version outside the hold's allowed range (in the manager's version order).
 */
export function filterHeld(packages: readonly JobPackage[], holds: readonly GroupHold[]): { packages: JobPackage[]; held: HeldPackage[] } {
  const kept: JobPackage[] = [];
  const held: HeldPackage[] = [];
  for (const pkg of packages) {
    const hold = blockingHold(holds, pkg, pkg.version);
    if (hold) held.push({ pkg, hold });
    else kept.push(pkg);
  }
  return { packages: kept, held };
}

/** `openssl 3.0.14 (held by group db: never to be changed)`, for skip messages and logs. */
export function describeHeld(h: HeldPackage): string {
  return `${h.pkg.name}${h.pkg.version ? ` ${h.pkg.version}` : ''} (held by group ${h.hold.group}: ${h.hold.versionRange ? `only within ${h.hold.versionRange}` : 'never to be changed'}${h.hold.reason ? `, ${h.hold.reason}` : ''})`;
}

export interface TargetHolds {
  deviceId: string;
  holds: readonly GroupHold[];
}

/**
 * Refuses a deployment that names a held package explicitly (`what.kind === 'packages'`): one
 * E_PKG_HELD error naming each such package with its group, hold and reason, and how many target
 * devices hold it. A hold with a version range refuses only a named version outside the range
 * (a "newest" request is filtered per device when its job is built, against the real candidate).
 */
export function explicitHoldRefusal(what: UpdateSelection, targets: readonly TargetHolds[]): PatchwaveError | null {
  if (what.kind !== 'packages') return null;
  const problems: { path: string; package: string; group: string; hold: GroupHold; devices: number }[] = [];
  what.packages.forEach((p, i) => {
    const byHold = new Map<string, { hold: GroupHold; devices: number }>();
    for (const t of targets) {
      for (const hold of t.holds) {
        if (hold.name !== p.name) continue;
        const manager = p.manager ?? hold.manager;
        if (manager && !holdApplies(hold, { manager, name: p.name })) continue;
        const forbids = hold.versionRange === undefined ? true : manager && p.version !== null ? holdForbids(hold, manager, p.version) : false;
        if (!forbids) continue;
        const key = `${hold.group}\u0000${hold.manager ?? ''}`;
        const seen = byHold.get(key);
        if (seen) seen.devices += 1;
        else byHold.set(key, { hold, devices: 1 });
        break;
      }
    }
    for (const { hold, devices } of byHold.values()) problems.push({ path: `what.packages.${i}`, package: p.name, group: hold.group, hold, devices });
  });
  if (problems.length === 0) return null;
  const lines = problems.map((x) => {
    const fix = x.group === EVERY_DEVICE ? 'the hold is on group * (every device): change or clear it first' : `remove it from the deployment or exclude the group (targets.exclude.tags: ["group=${x.group}"])`;
    return `${x.path}: ${describeHold(x.hold)} by group ${x.group} on ${x.devices} target device${x.devices === 1 ? '' : 's'}; ${fix}`;
  });
  return new PatchwaveError('E_PKG_HELD', `refused: the deployment names a held package. ${lines.join('; ')}`, {
    details: {
      issues: problems.map((x) => ({ path: x.path, message: `${describeHold(x.hold)} by group ${x.group}` })),
      held: problems.map((x) => ({ package: x.package, group: x.group, ...(x.hold.manager ? { manager: x.hold.manager } : {}), ...(x.hold.versionRange ? { versionRange: x.hold.versionRange } : {}), ...(x.hold.reason ? { reason: x.hold.reason } : {}), devices: x.devices })),
    },
  });
}

/**
 * What a device's dry run must show an operator before approval: every package the transaction
 * would remove, and every change to a package its groups hold (a dependency can pull one along).
 */
export function planFlags(plans: readonly ManagerPlan[], holds: readonly GroupHold[]): { removals: { manager: ManagerPlan['manager']; name: string; arch: string; from: string | null }[]; flags: PlanFlag[] } {
  const removals: { manager: ManagerPlan['manager']; name: string; arch: string; from: string | null }[] = [];
  const flags: PlanFlag[] = [];
  for (const plan of plans) {
    for (const c of plan.changes) {
      if (c.kind === 'remove') {
        removals.push({ manager: plan.manager, name: c.name, arch: c.arch, from: c.from });
        flags.push({ kind: 'removes-package', manager: plan.manager, name: c.name, message: `the transaction removes ${c.name}${c.from ? ` ${c.from}` : ''}` });
      }
      const hold = blockingHold(holds, { manager: plan.manager, name: c.name }, c.kind === 'remove' ? null : c.to);
      if (hold) {
        flags.push({ kind: 'changes-held-package', manager: plan.manager, name: c.name, message: `${c.kind} of ${c.name}${c.to ? ` to ${c.to}` : ''}: ${describeHold(hold)} by group ${hold.group}` });
      }
    }
  }
  return { removals, flags };
}
