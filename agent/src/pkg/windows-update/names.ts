import { PatchwaveError } from '@patchwave/shared';
import { assertSafeArgument } from '../package-names.js';

/** A Windows Update identity: `UpdateID` (a GUID). */
export const UPDATE_ID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
/** A Knowledge Base article: `KB5021233` or `5021233`. */
export const KB = /^(?:KB)?([0-9]{4,8})$/i;
/** What an advisory id may be here: a KB, an MSRC bulletin (MS17-010) or a CVE id. */
export const ADVISORY = /^(?:(?:KB)?[0-9]{4,8}|MS[0-9]{2}-[0-9]{3}|CVE-[0-9]{4}-[0-9]{4,7})$/i;

export type WuName = { kind: 'kb'; kb: string } | { kind: 'update'; id: string };

/** Validates a Windows Update package name: a KB article or an UpdateID. */
export function assertWuName(value: string): WuName {
  assertSafeArgument('id', value);
  const kb = KB.exec(value);
  if (kb) return { kind: 'kb', kb: kb[1] ?? '' };
  if (UPDATE_ID.test(value)) return { kind: 'update', id: value.toLowerCase() };
  throw new PatchwaveError('E_INVALID_PACKAGE_NAME', `id ${JSON.stringify(value.slice(0, 80))} is neither a KB article (KB5021233) nor an UpdateID (a GUID)`, {
    details: { kind: 'id', value: value.slice(0, 256) },
  });
}

export function assertUpdateId(value: string): string {
  return assertSafeArgument('id', value, UPDATE_ID).toLowerCase();
}

export function assertAdvisory(value: string): string {
  return assertSafeArgument('id', value, ADVISORY);
}
