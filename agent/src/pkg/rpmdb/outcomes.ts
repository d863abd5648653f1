import type { ErrorCode, InstalledPackage } from '@patchwave/shared';
import type { PackageOutcome } from '../package-manager.js';

/** What one package was asked to become: `to` null means removed. */
export interface ExpectedChange {
  name: string;
  arch: string;
  to: string | null;
}

/** A per-package failure the tool's output named (a scriptlet), found by package name. */
export interface NamedFailure {
  name: string;
  code: ErrorCode;
  message: string;
  /** True when the package may be at its new version even though this failed (a %post scriptlet). */
  afterwards: boolean;
}

function find(list: readonly InstalledPackage[], name: string, arch: string): InstalledPackage | undefined {
  return list.find((p) => p.name === name && (arch === '' || p.arch === arch || p.arch === ''));
}

/**
 * Per-package result of a run, from the package database read before and after it: a package
 * is `ok` when it is now at the version asked for (or gone, for a removal) and nothing named it
 * as failed. A failure the output names for the package wins over the run's code. Packages the
 * solver changed on its own (new dependencies, dependents removed with a package) follow, with
 * `requested: null`, so that nothing that changed goes unreported.
 */
export function packageOutcomes(
  expected: readonly ExpectedChange[],
  before: readonly InstalledPackage[],
  after: readonly InstalledPackage[],
  failures: readonly NamedFailure[],
  run: { code?: ErrorCode; message?: string },
): PackageOutcome[] {
  const asked = expected.map((e) => {
    const was = find(before, e.name, e.arch)?.version ?? null;
    const now = find(after, e.name, e.arch)?.version ?? null;
    const reached = e.to === null ? now === null : now === e.to;
    const failure = failures.find((f) => f.name === e.name);
    const outcome: PackageOutcome = { name: e.name, arch: e.arch, requested: e.to, before: was, after: now, ok: reached && !failure };
    if (failure) {
      outcome.errorCode = failure.code;
      outcome.message = reached && failure.afterwards ? `now at ${now ?? 'nothing'}, but ${failure.message}` : failure.message;
    } else if (!reached) {
      outcome.errorCode = run.code ?? 'E_PKG_FAILED';
      outcome.message = run.message ?? `expected ${e.to ?? 'removal'}, found ${now ?? 'not installed'} after the run`;
    }
    return outcome;
  });
  const key = (p: { name: string; arch: string }): string => `${p.name}\u0000${p.arch}`;
  const seen = new Set(expected.map(key));
  const beforeMap = new Map(before.map((p) => [key(p), p.version]));
  const afterMap = new Map(after.map((p) => [key(p), p.version]));
  const others: PackageOutcome[] = [];
  for (const k of new Set([...beforeMap.keys(), ...afterMap.keys()])) {
    const was = beforeMap.get(k) ?? null;
    const now = afterMap.get(k) ?? null;
    if (was === now || seen.has(k) || expected.some((e) => e.arch === '' && k.startsWith(`${e.name}\u0000`))) continue;
    const [name = '', arch = ''] = k.split('\u0000');
    others.push({ name, arch, requested: null, before: was, after: now, ok: true, message: now === null ? 'removed by the solver' : 'changed by the solver (dependency)' });
  }
  return [...asked, ...others];
}
