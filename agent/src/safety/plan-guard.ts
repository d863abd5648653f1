import type { PackageHold } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { PackageManager, PackageSelection, Plan } from '../pkg/package-manager.js';
import { holdViolation, rulesFor, type HoldRule } from './holds.js';

const emptyPlan = (pm: PackageManager, selection: PackageSelection, extra: Pick<Plan, 'unresolved' | 'notes'>): Plan => ({
  manager: pm.name,
  selection,
  changes: [],
  targets: [],
  ...extra,
});

/** The holds for this manager: the job's, plus the tool's own (`apt-mark showhold`) where it has them. */
export async function holdRules(pm: PackageManager, holds: readonly PackageHold[], log: Logger): Promise<HoldRule[]> {
  let toolHeld: string[] = [];
  if (pm.capabilities.canHold && pm.listHeld) {
    try {
      toolHeld = await pm.listHeld();
    } catch (err) {
      log.warn({ err, manager: pm.name }, 'could not list the package manager’s own holds');
    }
  }
  return rulesFor(holds, pm.name, toolHeld);
}

/**
 * Plans a selection so that no held package is in it:
 * 1. a named package that a hold refuses (absolutely, or at the version asked for) is left out and
 *    reported `E_PKG_HELD`;
 * 2. `all` / `security` become the list of available updates minus the held ones (adapters that
 *    cannot upgrade a subset — pacman — plan as asked and rely on step 3);
 * 3. the tool's own simulation is checked: a requested package whose planned version is outside
 *    its range is left out and the rest planned again; if the transaction would still change a
 *    held package (a dependency pulled in, a removal) the whole plan is blocked and every request
 *    reported `E_PKG_HELD` naming that package — which request pulled it in is not known.
 */
export async function planRespectingHolds(pm: PackageManager, selection: PackageSelection, rules: readonly HoldRule[]): Promise<Plan> {
  if (rules.length === 0) return pm.plan(selection);
  const unresolved: Plan['unresolved'] = [];
  const notes: string[] = [];
  const packages: NonNullable<PackageSelection['packages']> = [];
  for (const p of selection.packages ?? []) {
    const why = holdViolation(rules, pm.name, p.name, p.version);
    if (why) unresolved.push({ name: p.name, code: 'E_PKG_HELD', message: why });
    else packages.push(p);
  }
  let bulk = Boolean(selection.all || selection.securityOnly);
  if (bulk && pm.capabilities.partialUpgrade) {
    const updates = await pm.listUpdates();
    const left: string[] = [];
    for (const u of updates) {
      if (u.installedVersion === null || (!selection.all && u.security !== true)) continue;
      if (packages.some((p) => p.name === u.name)) continue;
      if (holdViolation(rules, pm.name, u.name, u.candidateVersion)) left.push(`${u.name} ${u.candidateVersion}`);
      else packages.push({ name: u.name, version: u.candidateVersion, ...(u.arch ? { arch: u.arch } : {}) });
    }
    if (left.length) notes.push(`held, left out of the plan: ${left.join(', ')}`);
    bulk = false;
  }
  const guarded: PackageSelection = {
    ...(packages.length ? { packages } : {}),
    ...(bulk && selection.all ? { all: true } : {}),
    ...(bulk && selection.securityOnly ? { securityOnly: true } : {}),
    ...(selection.advisories ? { advisories: selection.advisories } : {}),
  };
  if (!guarded.packages && !guarded.all && !guarded.securityOnly && !guarded.advisories) return emptyPlan(pm, selection, { unresolved, notes });
  let plan = await pm.plan(guarded);
  let touched = violations(plan, pm, rules);
  // A requested package whose own planned version breaks its range is left out, and the rest planned again.
  const own = touched.filter((t) => guarded.packages?.some((p) => p.name === t.c.name));
  if (own.length && own.length === touched.length && guarded.packages) {
    for (const t of own) unresolved.push({ name: t.c.name, code: 'E_PKG_HELD', message: t.why });
    guarded.packages = guarded.packages.filter((p) => !own.some((t) => t.c.name === p.name));
    if (guarded.packages.length === 0) delete guarded.packages;
    if (!guarded.packages && !guarded.all && !guarded.securityOnly && !guarded.advisories) return emptyPlan(pm, selection, { unresolved, notes });
    plan = await pm.plan(guarded);
    touched = violations(plan, pm, rules);
  }
  if (touched.length === 0) return { ...plan, selection, unresolved: [...unresolved, ...plan.unresolved], notes: [...notes, ...plan.notes] };
  const why = touched.map((t) => `${t.c.kind} ${t.c.name}${t.c.to ? ` ${t.c.to}` : ''}: ${t.why}`).join('; ');
  const blocked = [...(guarded.packages ?? []).map((p) => p.name), ...(bulk ? [selection.all ? 'all' : 'security'] : [])];
  for (const name of blocked) unresolved.push({ name, code: 'E_PKG_HELD', message: `the transaction would change a held package (${why})`.slice(0, 500) });
  return emptyPlan(pm, selection, { unresolved, notes: [...notes, `plan blocked by holds: ${why}`.slice(0, 500)] });
}

function violations(plan: Plan, pm: PackageManager, rules: readonly HoldRule[]): { c: Plan['changes'][number]; why: string }[] {
  return plan.changes.flatMap((c) => {
    const why = holdViolation(rules, pm.name, c.name, c.kind === 'remove' ? null : c.to);
    return why === undefined ? [] : [{ c, why }];
  });
}
