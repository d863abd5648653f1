import { assertSafeArgument } from '../package-names.js';

/**
 * rpm's package-name grammar as packagers use it (rpmbuild rejects whitespace and most
 * punctuation in Name:): letters, digits and `. _ + -`, starting with a letter, digit or `_`.
 */
export const RPM_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;
/** `[epoch:]version[-release]`: digits before the colon; version and release from `A-Za-z0-9 . _ + ~ ^`. */
export const RPM_EVR = /^(?:[0-9]{1,10}:)?[A-Za-z0-9._+~^]+(?:-[A-Za-z0-9._+~^]+)?$/;
/** An rpm architecture (x86_64, noarch, aarch64, ppc64le, i686, …). */
export const RPM_ARCH = /^[A-Za-z0-9_]+$/;
/** Advisory / patch ids: RHSA-2024:1234, FEDORA-2024-0a1b2c, ALSA-2024:1234, SUSE-SLE-SERVER-12-SP2-2017-97, openSUSE-SLE-15.5-2024-1. */
export const ADVISORY_ID = /^[A-Za-z0-9][A-Za-z0-9._:+-]*$/;

export function assertRpmName(value: string): string {
  return assertSafeArgument('package name', value, RPM_NAME);
}

export function assertRpmEvr(value: string): string {
  return assertSafeArgument('version', value, RPM_EVR);
}

export function assertRpmArch(value: string): string {
  return assertSafeArgument('architecture', value, RPM_ARCH);
}

export function assertAdvisoryId(value: string): string {
  return assertSafeArgument('id', value, ADVISORY_ID);
}
