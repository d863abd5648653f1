import { PatchwaveError } from '@patchwave/shared';
import type { PackageSelection } from '../package-manager.js';
import { assertAdvisoryId, assertRpmArch, assertRpmEvr, assertRpmName } from './names.js';

/** Validates every name, version, arch and advisory id of a selection; throws E_INVALID_PACKAGE_NAME. */
export function assertSelection(selection: PackageSelection): void {
  for (const p of selection.packages ?? []) {
    assertRpmName(p.name);
    if (p.version !== undefined) assertRpmEvr(p.version);
    if (p.arch !== undefined) assertRpmArch(p.arch);
  }
  for (const id of selection.advisories ?? []) assertAdvisoryId(id);
  const any = (selection.packages?.length ?? 0) > 0 || (selection.advisories?.length ?? 0) > 0 || selection.all === true || selection.securityOnly === true;
  if (!any) throw new PatchwaveError('E_VALIDATION', 'empty selection: name packages or advisories, or ask for all or security-only updates');
}
