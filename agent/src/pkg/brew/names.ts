import { assertSafeArgument } from '../package-names.js';

/**
 * A formula name, optionally tap-qualified (`python@3.12`, `libsigc++`, `user/tap/foo`), as
 * Homebrew's formula naming rules allow: lower-case letters, digits, `@ + . _ -`.
 */
export const BREW_FORMULA = /^(?:[A-Za-z0-9][A-Za-z0-9_-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*\/)?[a-z0-9][a-z0-9@+._-]*$/;
/** A cask token (`visual-studio-code`, `google-chrome@beta`), tap-qualified or not. */
export const BREW_CASK = /^(?:[A-Za-z0-9][A-Za-z0-9_-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*\/)?[a-z0-9][a-z0-9@+._-]*$/;

/** Casks and formulae share a namespace in Homebrew but not in patchwave: a cask is named `cask:<token>`. */
export const CASK_PREFIX = 'cask:';

export interface BrewItem {
  kind: 'formula' | 'cask';
  /** The name Homebrew knows (formula name or cask token). */
  token: string;
}

/** Validates a patchwave brew package name (`wget`, `cask:firefox`) and says which kind it is. */
export function assertBrewName(value: string): BrewItem {
  assertSafeArgument('package name', value);
  if (value.startsWith(CASK_PREFIX)) {
    return { kind: 'cask', token: assertSafeArgument('package name', value.slice(CASK_PREFIX.length), BREW_CASK) };
  }
  return { kind: 'formula', token: assertSafeArgument('package name', value, BREW_FORMULA) };
}

/** Homebrew cannot install a chosen version: any version given must be the one it would install anyway. */
export function assertBrewVersion(value: string): string {
  return assertSafeArgument('version', value, /^[A-Za-z0-9][A-Za-z0-9._+,-]*$/);
}
