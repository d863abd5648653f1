import { compareVersions, schemeForManager } from '@patchwave/shared';
import type { AvailableUpdate } from '@patchwave/shared';
import { normalizeKb } from '../matching/kb-supersedence.js';
import type { Finding } from './finding.js';

/**
 * Which available update fixes which finding: an update to one of the finding's binaries whose
 * candidate reaches the fixed version, or, for Windows, the KB itself.
 */

export type FixVerdict =
  | { fixes: true; update: AvailableUpdate }
  | { fixes: false; reason: 'no_fix_published' | 'no_update_available' | 'update_below_fixed_version' };

export function updateKey(u: { manager: string; name: string; arch: string }): string {
  return `${u.manager}\u0000${u.name}\u0000${u.arch}`;
}

/** For each binary of the finding, the update that fixes it, or why none does. */
export function fixesFor(f: Finding, updates: readonly AvailableUpdate[]): FixVerdict[] {
  if (f.fixedVersion === null) return [{ fixes: false, reason: 'no_fix_published' }];
  if (f.source === 'kb') {
    const u = updates.find((x) => x.manager === 'windows-update' && normalizeKb(x.name) === f.fixedVersion);
    return [u ? { fixes: true, update: u } : { fixes: false, reason: 'no_update_available' }];
  }
  const byKey = new Map(updates.map((u) => [updateKey(u), u]));
  return f.binaries.map((b): FixVerdict => {
    const u = byKey.get(updateKey(b));
    if (!u) return { fixes: false, reason: 'no_update_available' };
    const scheme = schemeForManager(u.manager);
    return compareVersions(scheme, u.candidateVersion, f.fixedVersion as string) >= 0 ? { fixes: true, update: u } : { fixes: false, reason: 'update_below_fixed_version' };
  });
}

/** Whether installing `u` fixes (its part of) finding `f`. */
export function updateFixes(u: AvailableUpdate, f: Finding): boolean {
  if (f.fixedVersion === null) return false;
  if (f.source === 'kb') return u.manager === 'windows-update' && normalizeKb(u.name) === f.fixedVersion;
  if (!f.binaries.some((b) => b.manager === u.manager && b.name === u.name && b.arch === u.arch)) return false;
  return compareVersions(schemeForManager(u.manager), u.candidateVersion, f.fixedVersion) >= 0;
}
