import { assertSafeArgument } from '../package-names.js';

/**
 * A winget package identifier from a source (winget-pkgs `PackageIdentifier`: `Publisher.Package`
 * segments of letters, digits and `. _ - + ,`, e.g. `IDMComputerSolutions,Inc.UltraEdit`,
 * `Microsoft.VCRedist.2015+.x64`) or a Microsoft Store id (`9NBLGGH4NNS1`). Ids of local
 * Apps & Features entries (`{GUID}`, names with spaces, `…` truncations) cannot be targeted.
 */
export const WINGET_ID = /^[A-Za-z0-9][A-Za-z0-9._+,-]{0,127}$/;
export const WINGET_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
export const WINGET_SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function assertWingetId(value: string): string {
  return assertSafeArgument('id', value, WINGET_ID);
}

export function assertWingetVersion(value: string): string {
  return assertSafeArgument('version', value, WINGET_VERSION);
}

export function assertWingetSource(value: string): string {
  return assertSafeArgument('id', value, WINGET_SOURCE);
}
