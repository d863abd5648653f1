import { assertSafeArgument } from '../package-names.js';

/** pacman package names (PKGBUILD(5)): lower-case letters, digits and `@ . _ + -`, not starting with `-` or `.`. */
export const PACMAN_NAME = /^[a-z0-9@_+][a-z0-9@._+-]*$/;
/** `[epoch:]pkgver-pkgrel`; pkgver has no `-`, `/`, `:` or whitespace. */
export const PACMAN_VERSION = /^(?:[0-9]+:)?[A-Za-z0-9._+~^]+-[0-9]+(?:\.[0-9]+)?$/;
/** A kernel release as `uname -r` prints it, before it becomes part of a path. */
export const KERNEL_RELEASE = /^[A-Za-z0-9._+-]{1,128}$/;

export function assertPacmanName(value: string): string {
  return assertSafeArgument('package name', value, PACMAN_NAME);
}

export function assertPacmanVersion(value: string): string {
  return assertSafeArgument('version', value, PACMAN_VERSION);
}
