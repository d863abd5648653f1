import type { DeploymentSpec, ManagerName, SpecIssue } from '@patchwave/shared';
import { checkCron } from './cron.js';

/** What the server knows about packages, for naming unknown ones before anything is persisted. */
export interface PackageCatalog {
  /** True when some device in the inventory has (or is offered) a package of this name. */
  knows(name: string, manager?: ManagerName): boolean;
}

/**
 * Checks of a deployment spec that need the server: cron syntax (with the cron library the
 * windows are evaluated with) and, given a catalog, package names no device has ever reported.
 * The shape was already checked by `DeploymentSpec`; this returns issues in the same form.
 */
export function checkDeploymentSpec(spec: DeploymentSpec, catalog?: PackageCatalog): SpecIssue[] {
  const issues: SpecIssue[] = [];
  spec.schedule.windows.forEach((w, i) => {
    const res = checkCron(w.cron);
    if (!res.ok) issues.push({ path: `schedule.windows.${i}.cron`, message: res.message });
  });
  if (catalog && spec.what.kind === 'packages') {
    spec.what.packages.forEach((p, i) => {
      if (!catalog.knows(p.name, p.manager)) {
        issues.push({
          path: `what.packages.${i}.name`,
          message: `unknown package "${p.name}"${p.manager ? ` for ${p.manager}` : ''}: no device reports it installed or available`,
        });
      }
    });
  }
  return issues;
}
