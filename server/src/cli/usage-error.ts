/** Bad command line (unknown command or flag, bad value): the CLI prints it and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
/** The operation failed (server refused, not found, not reachable). */
export const EXIT_FAILED = 1;
/** Usage or configuration error. */
export const EXIT_USAGE = 2;
