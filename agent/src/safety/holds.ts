import { versionInRange, type ManagerName, type PackageHold } from '@patchwave/shared';

/**
 * The agent's view of holds. Ranges are compared by `versionInRange` (@patchwave/shared, the same
 * function the server's selection uses). Unlike the server, the agent can wait for the tool's own
 * simulation to say which version "the newest" is, so an unknown target only breaks an absolute hold.
 */

/** A package a hold protects, and how: never to change, or only inside a version range. */
export interface HoldRule {
  name: string;
  versionRange?: string;
  /** Where it comes from, for the message: the group's hold (with its reason) or the tool's own. */
  source: string;
}

/** The job's holds that apply to this manager (a hold without a manager applies to all). */
export function rulesFor(holds: readonly PackageHold[], manager: ManagerName, toolHeld: readonly string[] = []): HoldRule[] {
  const rules: HoldRule[] = holds
    .filter((h) => !h.manager || h.manager === manager)
    .map((h) => ({ name: h.name, ...(h.versionRange ? { versionRange: h.versionRange } : {}), source: h.reason ? `held: ${h.reason}` : 'held by the device group' }));
  for (const name of toolHeld) if (!rules.some((r) => r.name === name && !r.versionRange)) rules.push({ name, source: `held by ${manager}'s own hold` });
  return rules;
}

/**
 * Why changing `name` to `to` (null: removing it) breaks a hold, or undefined when it does not.
 * `to` undefined means "the newest candidate, not yet known": only an absolute hold refuses it now.
 */
export function holdViolation(rules: readonly HoldRule[], manager: ManagerName, name: string, to: string | null | undefined): string | undefined {
  for (const rule of rules) {
    if (rule.name !== name) continue;
    if (!rule.versionRange) return `${name} is held and never changed here (${rule.source})`;
    if (to === null) return `${name} is held to ${rule.versionRange} and may not be removed (${rule.source})`;
    if (to !== undefined && !versionInRange(manager, to, rule.versionRange)) return `${name} ${to} is outside its allowed range ${rule.versionRange} (${rule.source})`;
  }
  return undefined;
}

/** Whether any hold names this package (used to drop candidates before planning). */
export function isHeldCandidate(rules: readonly HoldRule[], manager: ManagerName, name: string, candidate: string): boolean {
  return holdViolation(rules, manager, name, candidate) !== undefined;
}
