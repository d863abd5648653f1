import { createHmac, timingSafeEqual } from 'node:crypto';

const CONTEXT = 'patchwave-csrf-v1';

/**
 * The CSRF token of a session: an HMAC of a fixed context keyed with the session secret. It is
 * bound to the session (another session's token does not fit), needs no storage, and a page of
 * another site can learn neither the cookie (HttpOnly) nor the token derived from it.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update(CONTEXT).digest('base64url');
}

/** Constant-time check of a presented token against the session's. */
export function csrfTokenMatches(sessionSecret: string, presented: string | undefined): boolean {
  if (!presented || presented.length > 128) return false;
  const expected = Buffer.from(csrfTokenFor(sessionSecret));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
