import { isValidApkVersion, PatchwaveError } from '@patchwave/shared';
import { assertSafeArgument } from '../package-names.js';

/**
 * An Alpine package name (apk-package(5): letters, digits and `+ - . _`, not starting with a
 * separator), optionally followed by a repository tag (`@testing`), as `apk add` accepts it.
 */
export const APK_NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]*(?:@[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
/** apk architectures: x86_64, aarch64, armv7, armhf, x86, ppc64le, s390x, riscv64, loongarch64. */
export const APK_ARCH = /^[a-z0-9_]+$/;

export function assertApkName(value: string): string {
  return assertSafeArgument('package name', value, APK_NAME);
}

export function assertApkArch(value: string): string {
  return assertSafeArgument('architecture', value, APK_ARCH);
}

/** A version must pass the floor and apk-tools' own grammar (`apk version -c`). */
export function assertApkVersion(value: string): string {
  assertSafeArgument('version', value);
  if (!isValidApkVersion(value)) {
    throw new PatchwaveError('E_INVALID_PACKAGE_NAME', `version ${JSON.stringify(value.slice(0, 80))} is not a valid apk version`, {
      details: { kind: 'version', value: value.slice(0, 256) },
    });
  }
  return value;
}
