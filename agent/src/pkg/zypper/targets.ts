import { PatchwaveError, type ErrorCode, type InstalledPackage } from '@patchwave/shared';
import type { PackageSelection } from '../package-manager.js';
import { assertSelection } from '../rpmdb/selection.js';

export interface ZypperTargets {
  args: string[];
  unresolved: { name: string; code: ErrorCode; message: string }[];
  notes: string[];
}

/**
 * Turns a selection into zypper arguments:
 * - every update: `update`;
 * - security only: `patch --category security` (SUSE ships security fixes as patches);
 * - advisories: `install -t patch -- ID…`;
 * - named packages: `update -- name[.arch]…`, or `install --oldpackage -- name[.arch][=version]…`
 *   as soon as one is pinned (install moves an installed package to the given version, up or down).
 * Named packages must be installed. zypper cannot mix named packages with patch filters in one run.
 */
export function zypperTargets(selection: PackageSelection, installed: readonly InstalledPackage[]): ZypperTargets {
  assertSelection(selection);
  const notes: string[] = [];
  const unresolved: ZypperTargets['unresolved'] = [];
  const packages = selection.packages ?? [];
  const advisories = selection.advisories ?? [];
  if (selection.all) {
    if (packages.length || advisories.length || selection.securityOnly) notes.push('every update was asked for: the narrower filters of the selection are not applied');
    return { args: ['update'], unresolved, notes };
  }
  if (packages.length > 0 && (advisories.length > 0 || selection.securityOnly)) {
    throw new PatchwaveError('E_NOT_SUPPORTED', 'zypper installs either named packages or patches in one run: split the selection');
  }
  if (advisories.length > 0) {
    if (selection.securityOnly) notes.push('the named patches are installed whatever their category');
    return { args: ['install', '-t', 'patch', '--', ...advisories], unresolved, notes };
  }
  if (selection.securityOnly) return { args: ['patch', '--category', 'security'], unresolved, notes };
  const pinned = packages.some((p) => p.version !== undefined);
  const specs: string[] = [];
  for (const p of packages) {
    if (!installed.some((i) => i.name === p.name && (p.arch === undefined || i.arch === p.arch))) {
      unresolved.push({ name: p.name, code: 'E_PKG_NOT_FOUND', message: `${p.name}${p.arch ? `.${p.arch}` : ''} is not installed` });
      continue;
    }
    const base = p.arch ? `${p.name}.${p.arch}` : p.name;
    specs.push(p.version ? `${base}=${p.version}` : base);
  }
  if (specs.length === 0) return { args: [], unresolved, notes };
  return { args: pinned ? ['install', '--oldpackage', '--', ...specs] : ['update', '--', ...specs], unresolved, notes };
}
