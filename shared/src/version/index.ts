import { z } from 'zod';
import type { ManagerName } from '../domain/manager.js';
import { compareApk } from './apk.js';
import { compareDpkg } from './dpkg.js';
import { compareGeneric } from './generic.js';
import type { Comparison } from './ordering.js';
import { comparePacman } from './pacman.js';
import { compareRpm } from './rpm.js';

export { compareApk, checkApkVersion, isValidApkVersion, matchApkVersion } from './apk.js';
export { compareDpkg, parseDpkgVersion } from './dpkg.js';
export type { DpkgParseResult, DpkgVersion } from './dpkg.js';
export { compareGeneric, parseGenericVersion } from './generic.js';
export type { GenericToken, GenericVersion } from './generic.js';
export { comparePacman, pacmanVercmp, parsePacmanVersion } from './pacman.js';
export { compareRpm, parseRpmEvr, rpmvercmp } from './rpm.js';
export type { RpmEvr } from './rpm.js';
export type { Comparison } from './ordering.js';

/**
 * How versions of a manager's packages are ordered. `pacman` is its own scheme: libalpm's
 * `vercmp` started from rpm's but treats `~`, `^`, trailing letters and separators differently.
 */
export const VERSION_SCHEMES = ['dpkg', 'rpm', 'apk', 'pacman', 'generic'] as const;
export const VersionScheme = z.enum(VERSION_SCHEMES);
export type VersionScheme = z.infer<typeof VersionScheme>;

const COMPARE: Record<VersionScheme, (a: string, b: string) => Comparison> = {
  dpkg: compareDpkg,
  rpm: compareRpm,
  apk: compareApk,
  pacman: comparePacman,
  generic: compareGeneric,
};

/** Exhaustive over ManagerName, so a new manager does not compile until it has a scheme. */
const SCHEME_OF: Record<ManagerName, VersionScheme> = {
  apt: 'dpkg',
  dnf: 'rpm',
  yum: 'rpm',
  zypper: 'rpm',
  pacman: 'pacman',
  apk: 'apk',
  brew: 'generic',
  softwareupdate: 'generic',
  winget: 'generic',
  choco: 'generic',
  'windows-update': 'generic',
  simulated: 'generic',
};

/**
 * -1, 0 or 1 as `a` is older than, the same as, or newer than `b` under `scheme`. Never throws on
 * any version strings; a scheme outside VERSION_SCHEMES is a programming error and throws.
 */
export function compareVersions(scheme: VersionScheme, a: string, b: string): Comparison {
  const compare = Object.hasOwn(COMPARE, scheme) ? COMPARE[scheme] : undefined;
  if (compare === undefined) {
    throw new TypeError(`unknown version scheme '${String(scheme)}' (expected one of ${VERSION_SCHEMES.join(', ')})`);
  }
  return compare(a, b);
}

/** The version scheme of a package manager's versions. */
export function schemeForManager(manager: ManagerName): VersionScheme {
  return SCHEME_OF[manager];
}
