import { PatchwaveError } from '@patchwave/shared';

/**
 * Rules every package name, version and id must pass before it may reach a command line. Each
 * adapter narrows them with its tool's own grammar; this is the floor: non-empty, bounded, no
 * leading dash (option injection), no whitespace, control characters or shell metacharacters.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const FORBIDDEN = /[\s\u0000-\u001f\u007f;&|`$<>()\\'"*?[\]{}!]/;

export function assertSafeArgument(kind: 'package name' | 'version' | 'architecture' | 'id', value: string, pattern?: RegExp): string {
  const problem =
    value.length === 0
      ? 'is empty'
      : value.length > 256
        ? 'is longer than 256 characters'
        : value.startsWith('-')
          ? 'starts with "-" (it would be read as an option)'
          : FORBIDDEN.test(value)
            ? 'contains whitespace, a control character or a shell metacharacter'
            : pattern && !pattern.test(value)
              ? `does not match ${pattern.source}`
              : undefined;
  if (problem) {
    throw new PatchwaveError('E_INVALID_PACKAGE_NAME', `${kind} ${JSON.stringify(value.slice(0, 80))} ${problem}`, {
      details: { kind, value: value.slice(0, 256) },
    });
  }
  return value;
}
