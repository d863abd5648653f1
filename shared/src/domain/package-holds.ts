import type { ManagerName } from './manager.js';
import type { PackageHold } from '../protocol/safety.js';
import { compareVersions, schemeForManager } from '../version/index.js';

/**
 * Package holds, evaluated the same way on the server (selection, refusal at create time, dry-run
 * flags) and on the agent (enforcement before applying). A hold names a package (and optionally
 * its manager); without `versionRange` the package must not change at all, with one it may only
 * move to versions inside the range, compared with the manager's own version order.
 */

export type RangeOperator = '<' | '<=' | '>' | '>=' | '=';

export interface RangeBound {
  op: RangeOperator;
  version: string;
}

/** `>=1.4 <2.0` → its comparisons; throws on text the PackageHold schema would refuse. */
export function parseVersionRange(range: string): RangeBound[] {
  const parts = range.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) throw new Error('versionRange is empty');
  return parts.map((part) => {
    const m = /^(<=|>=|<|>|=)([^\s<>=]+)$/.exec(part);
    if (!m) throw new Error(`versionRange: "${part}" is not a comparison like >=1.4 or <2.0`);
    return { op: m[1] as RangeOperator, version: m[2] as string };
  });
}

/** Whether `version` satisfies every comparison of `range` in `manager`'s version order. */
export function versionInRange(manager: ManagerName, version: string, range: string): boolean {
  const scheme = schemeForManager(manager);
  return parseVersionRange(range).every(({ op, version: bound }) => {
    const c = compareVersions(scheme, version, bound);
    switch (op) {
      case '<':
        return c < 0;
      case '<=':
        return c <= 0;
      case '>':
        return c > 0;
      case '>=':
        return c >= 0;
      case '=':
        return c === 0;
    }
  });
}

/** Whether `hold` is about this package (same name; same manager when the hold names one). */
export function holdApplies(hold: Pick<PackageHold, 'name' | 'manager'>, pkg: { manager: ManagerName; name: string }): boolean {
  return hold.name === pkg.name && (hold.manager === undefined || hold.manager === pkg.manager);
}

/**
 * Whether moving the package to `target` breaks the hold: always for a hold without a range;
 * with a range, when the target is outside it, or unknown (`null`: "the newest", which nobody can
 * promise to be inside the range).
 */
export function holdForbids(hold: PackageHold, manager: ManagerName, target: string | null): boolean {
  if (hold.versionRange === undefined) return true;
  if (target === null) return true;
  return !versionInRange(manager, target, hold.versionRange);
}

/** The first hold among `holds` that forbids moving `pkg` to `target`, or undefined. */
export function blockingHold<H extends PackageHold>(holds: readonly H[], pkg: { manager: ManagerName; name: string }, target: string | null): H | undefined {
  return holds.find((h) => holdApplies(h, pkg) && holdForbids(h, pkg.manager, target));
}

/** One line for people: `openssl (apt) is held: pinned to >=3.0 <3.1 — reason`. */
export function describeHold(hold: PackageHold): string {
  const what = `${hold.name}${hold.manager ? ` (${hold.manager})` : ''}`;
  const how = hold.versionRange ? `allowed only within ${hold.versionRange}` : 'never to be changed';
  return `${what} is held: ${how}${hold.reason ? ` (reason: ${hold.reason})` : ''}`;
}
