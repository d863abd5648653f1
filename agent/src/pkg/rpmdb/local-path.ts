import { PatchwaveError } from '@patchwave/shared';

/**
 * A path from the agent's local settings (install root, config file): absolute, no control
 * characters, not an option. Settings come from the local config file or a test, never from the
 * server, but are still checked before they reach a command line.
 */
export function assertLocalPath(setting: string, value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this rejects
  if (!value.startsWith('/') || value.length > 4096 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new PatchwaveError('E_CONFIG_INVALID', `${setting} must be an absolute path without control characters, got ${JSON.stringify(value.slice(0, 80))}`);
  }
  return value;
}
