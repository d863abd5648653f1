import { JobSafety, type DeploymentSpec, type ErrorCode, type JobPackage, type UpdateSelection } from '@patchwave/shared';
import { describeHeld, filterHeld, jobSafety, safetyForTags, type HeldPackage } from '../group-safety/index.js';
import type { DeploymentDeps } from './context.js';
import { loadInventoryView } from './inventory-view.js';
import { choosePackages, type PackageChoice } from './job-builder.js';

export type SafeChoice =
  | {
      kind: 'ok';
      packages: JobPackage[];
      /** Packages the selection matched that the device's groups hold (left out). */
      held: HeldPackage[];
      unmatched: PackageChoice['unmatched'];
      /** The job's safety block (probes, pre-flight, holds, rollback rule); undefined when none applies. */
      safety: JobSafety | undefined;
    }
  | { kind: 'refused'; code: ErrorCode; message: string };

/**
 * The packages one device gets, after its groups' holds (and `*`'s) have taken out what must not
 * change, together with the safety block its apply job carries. `tags`: the device's tags when the
 * caller has just read the device (read here otherwise).
 */
export async function chooseSafely(deps: DeploymentDeps, deviceId: string, spec: DeploymentSpec, tags?: readonly string[]): Promise<SafeChoice> {
  const choice = choosePackages(spec.what, await loadInventoryView(deps.store.inventory, deviceId, spec.what));
  const safety = await safetyForTags(deps.store, tags ?? (await deps.store.devices.get(deviceId))?.tags ?? []);
  const { packages, held } = filterHeld(choice.packages, safety.holds);
  // Stored specs from before the field existed have no `rollbackOnHealthFailure`.
  const block = jobSafety(safety, spec.rollbackOnHealthFailure ?? false);
  if (block) {
    const checked = JobSafety.safeParse(block);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      return {
        kind: 'refused',
        code: 'E_VALIDATION',
        message: `the safety settings of groups ${safety.groups.join(', ')} together do not fit in one job (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}); split probes or holds across fewer groups`,
      };
    }
  }
  return { kind: 'ok', packages, held, unmatched: choice.unmatched, safety: block };
}

/** Why a device gets nothing: no update matched, or every match is held. */
export function nothingToInstall(c: Extract<SafeChoice, { kind: 'ok' }>): string {
  const unmatched = c.unmatched.map((u) => u.reason).join('; ');
  if (c.held.length > 0) return `nothing to install: every matching update is held (${c.held.map(describeHeld).join('; ')})`;
  return `nothing to install: no update in its last inventory matches the selection${unmatched ? ` (${unmatched})` : ''}`;
}

/**
 * The selection a dry-run job carries: the deployment's own, unless holds took packages out of
 * what this device would get; then exactly the packages (and versions) its apply job would carry,
 * so that a held package never shows up in the plan.
 */
export function planSelection(spec: DeploymentSpec, c: Extract<SafeChoice, { kind: 'ok' }>): UpdateSelection {
  if (c.held.length === 0) return spec.what;
  return { kind: 'packages', packages: c.packages.map((p) => ({ name: p.name, version: p.version, manager: p.manager, ...(p.arch ? { arch: p.arch } : {}) })) };
}
