import { compareVersions, PatchwaveError, type ErrorCode, type InstalledPackage } from '@patchwave/shared';
import type { PackageSelection, PlannedChange } from '../package-manager.js';
import { assertRpmArch, assertRpmEvr, assertRpmName } from '../rpmdb/names.js';
import { assertSelection } from '../rpmdb/selection.js';
import type { RpmDialect } from './commands.js';
import type { RpmCandidate } from './parse-check-update.js';

export { assertSelection } from '../rpmdb/selection.js';

/** `name-[epoch:]version-release.arch`, the spec dnf and yum take for one exact package. */
export function nevraSpec(name: string, evr: string, arch: string): string {
  return arch ? `${name}-${evr}.${arch}` : `${name}-${evr}`;
}

export interface Targets {
  /** Arguments after the global options: the verb, its filters, `--`, the package specs. */
  args: string[];
  unresolved: { name: string; code: ErrorCode; message: string }[];
}

function advisoryArgs(dialect: RpmDialect, ids: readonly string[]): string[] {
  return ids.map((id) => (dialect === 'dnf5' ? `--advisories=${id}` : `--advisory=${id}`));
}

/**
 * Turns a selection into dnf/yum arguments. Named packages must be installed (patchwave upgrades,
 * it does not install new software). Without versions they go to `upgrade`; with a version (or
 * mixed) every package is pinned and goes to `install`, which upgrades or downgrades an installed
 * package to the exact NEVRA on dnf4 and dnf5; yum 3 cannot, so pinned yum targets go to `update`
 * when every pin is newer and to `downgrade` when every pin is older.
 */
export function buildTargets(dialect: RpmDialect, selection: PackageSelection, installed: readonly InstalledPackage[], candidates: readonly RpmCandidate[]): Targets {
  assertSelection(selection);
  const upgrade = dialect === 'yum' ? 'update' : 'upgrade';
  const filters = [...(selection.securityOnly ? ['--security'] : []), ...advisoryArgs(dialect, selection.advisories ?? [])];
  const unresolved: Targets['unresolved'] = [];
  const packages = selection.packages ?? [];
  if (packages.length === 0) return { args: [upgrade, ...filters], unresolved };

  const pinned = packages.some((p) => p.version !== undefined);
  const specs: string[] = [];
  let ups = 0;
  let downs = 0;
  for (const p of packages) {
    const have = installed.filter((i) => i.name === p.name && (p.arch === undefined || i.arch === p.arch));
    const current = have[0];
    if (!current) {
      unresolved.push({ name: p.name, code: 'E_PKG_NOT_FOUND', message: `${p.name}${p.arch ? `.${p.arch}` : ''} is not installed` });
      continue;
    }
    if (!pinned) {
      specs.push(p.arch ? `${p.name}.${p.arch}` : p.name);
      continue;
    }
    const arch = p.arch ?? current.arch;
    const target = p.version ?? candidates.find((c) => c.name === p.name && c.arch === arch)?.evr;
    if (target === undefined) {
      unresolved.push({ name: p.name, code: 'E_PKG_NO_UPDATE', message: `no newer version of ${p.name}.${arch} is available` });
      continue;
    }
    const cmp = compareVersions('rpm', target, current.version);
    if (cmp === 0) {
      unresolved.push({ name: p.name, code: 'E_PKG_NO_UPDATE', message: `${p.name}.${arch} is already at ${target}` });
      continue;
    }
    if (cmp > 0) ups++;
    else downs++;
    specs.push(nevraSpec(p.name, target, arch));
  }
  if (specs.length === 0) return { args: [], unresolved };
  if (!pinned) return { args: [upgrade, ...filters, '--', ...specs], unresolved };
  if (dialect !== 'yum') return { args: ['install', ...filters, '--', ...specs], unresolved };
  if (ups > 0 && downs > 0) {
    throw new PatchwaveError('E_NOT_SUPPORTED', 'yum cannot upgrade and downgrade in one transaction: request the downgrades separately');
  }
  return { args: [downs > 0 ? 'downgrade' : 'update', ...filters, '--', ...specs], unresolved };
}

/**
 * The arguments `apply` runs for a plan: the exact NEVRAs the dry run resolved, so that a
 * repository that moved on between plan and apply cannot widen the change. Dependencies the dry
 * run pulled in (`install` rows) are left to the solver, so they keep their dependency reason.
 */
export function applyArgs(dialect: RpmDialect, changes: readonly PlannedChange[]): string[][] {
  const specs = (kinds: readonly string[]): string[] =>
    changes
      .filter((c) => kinds.includes(c.kind) && c.to !== null)
      .map((c) => nevraSpec(assertRpmName(c.name), assertRpmEvr(c.to ?? ''), c.arch ? assertRpmArch(c.arch) : ''));
  if (dialect !== 'yum') {
    const all = specs(['upgrade', 'downgrade']);
    return all.length > 0 ? [['install', '--', ...all]] : [];
  }
  const runs: string[][] = [];
  const up = specs(['upgrade']);
  const down = specs(['downgrade']);
  if (up.length > 0) runs.push(['update', '--', ...up]);
  if (down.length > 0) runs.push(['downgrade', '--', ...down]);
  return runs;
}
