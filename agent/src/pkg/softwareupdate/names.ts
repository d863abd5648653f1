import { PatchwaveError } from '@patchwave/shared';

/**
 * A softwareupdate label (`macOS Tahoe 26.6-25G72`, `Command Line Tools (macOS Mojave version
 * 10.14) for Xcode-10.3`, `macOS Mojave 10.14.6 Supplemental Update- `). Labels contain spaces and
 * parentheses and must be passed whole, trailing space included, so the generic floor (which
 * forbids both) cannot apply; instead: letters, digits, space and `. _ - + , ( ) :` only, no
 * control characters, not starting with `-` or a space, at most 256 characters. There is no shell,
 * so spaces and parentheses are inert; the leading-dash rule keeps a label from being an option.
 */
export const LABEL = /^[\p{L}\p{N}][\p{L}\p{N} ._+,():-]*$/u;

export function assertLabel(value: string): string {
  const problem =
    value.length === 0
      ? 'is empty'
      : value.length > 256
        ? 'is longer than 256 characters'
        : value.startsWith('-')
          ? 'starts with "-" (it would be read as an option)'
          : !LABEL.test(value)
            ? `may hold only letters, digits, spaces and . _ - + , ( ) : (matching ${LABEL.source})`
            : undefined;
  if (problem) {
    throw new PatchwaveError('E_INVALID_PACKAGE_NAME', `softwareupdate label ${JSON.stringify(value.slice(0, 80))} ${problem}`, {
      details: { kind: 'package name', value: value.slice(0, 256) },
    });
  }
  return value;
}
