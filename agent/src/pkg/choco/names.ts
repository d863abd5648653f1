import { assertSafeArgument } from '../package-names.js';

/** A NuGet package id as Chocolatey accepts it: letters, digits, `.`, `_`, `-`; at most 100 characters. */
export const CHOCO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** A NuGet version (SemVer 2 or four-part): `1.2.3`, `1.2.3.4`, `2.0.0-beta.1`, `1.0.0+build`. */
export const CHOCO_VERSION = /^[0-9][A-Za-z0-9.+-]*$/;

export function assertChocoId(value: string): string {
  return assertSafeArgument('package name', value, CHOCO_ID);
}

export function assertChocoVersion(value: string): string {
  return assertSafeArgument('version', value, CHOCO_VERSION);
}
