import { PatchwaveError } from '@patchwave/shared';

/** True for a UNIQUE / PRIMARY KEY violation reported by better-sqlite3. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Runs `write`, turning a uniqueness violation into E_CONFLICT with `message`. */
export async function conflictAs<T>(message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new PatchwaveError('E_CONFLICT', message, { cause: err });
    throw err;
  }
}
