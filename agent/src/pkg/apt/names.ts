import { assertSafeArgument } from '../package-names.js';

/** dpkg's package-name grammar (deb-src-control(5)): lower case, digits, + - .; at least two characters. */
export const DPKG_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/** A Debian architecture name (amd64, arm64, i386, all, musl-linux-arm64, …). */
export const DPKG_ARCH = /^[a-z0-9][a-z0-9-]*$/;
/** deb-version(7): [epoch:]upstream[-revision]; characters A-Za-z0-9 . + ~ - and : after an epoch. */
export const DPKG_VERSION = /^(?:[0-9]+:)?[0-9A-Za-z][A-Za-z0-9.+~:-]*$/;

/** Validates a package name (optionally `name:arch`) before it may reach apt or dpkg. */
export function assertDpkgName(value: string): string {
  const colon = value.indexOf(':');
  if (colon === -1) return assertSafeArgument('package name', value, DPKG_NAME);
  assertSafeArgument('package name', value.slice(0, colon), DPKG_NAME);
  assertSafeArgument('architecture', value.slice(colon + 1), DPKG_ARCH);
  return value;
}

export function assertDpkgVersion(value: string): string {
  return assertSafeArgument('version', value, DPKG_VERSION);
}

export function assertDpkgArch(value: string): string {
  return assertSafeArgument('architecture', value, DPKG_ARCH);
}

/** Splits `libc6:i386` into name and arch qualifier. */
export function splitArchQualifier(value: string): { name: string; arch: string | undefined } {
  const colon = value.indexOf(':');
  return colon === -1 ? { name: value, arch: undefined } : { name: value.slice(0, colon), arch: value.slice(colon + 1) };
}
