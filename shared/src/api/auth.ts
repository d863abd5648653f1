import { z } from 'zod';

/**
 * Operator sign-in for the web console: a session cookie plus a CSRF token.
 *
 * - `POST /api/v1/auth/login` `LoginRequest` → 200 `LoginResponse` and `Set-Cookie` with the
 *   session (HttpOnly, SameSite=Strict, Path=/; `Secure` and the `__Host-` name under TLS). Wrong
 *   credentials: 401 `E_UNAUTHORIZED` (the same answer for an unknown user, a wrong password and a
 *   disabled user). Too many failures for the account or from the address: 429 `E_LOGIN_LOCKED`
 *   with `details.retryAfterSeconds` and a `Retry-After` header; too many requests: 429
 *   `E_RATE_LIMITED`.
 * - Every request after that sends the cookie (the browser does). Requests that change state (any
 *   method but GET/HEAD/OPTIONS) must also send the header `x-csrf-token: <csrfToken>`; without it,
 *   or with a wrong one: 403 `E_CSRF_FAILED`. A request with an `Origin` header of another site is
 *   refused with 403 `E_ORIGIN_REFUSED` (this includes the console's WebSocket/SSE).
 * - `GET /api/v1/auth/me` → `MeResponse` (also returns the CSRF token, so a reloaded page recovers it);
 *   `GET /api/v1/auth/csrf` → `CsrfResponse`.
 * - `POST /api/v1/auth/logout` (with the CSRF header) → 204; the session is gone server-side and the
 *   cookie cleared.
 * - `POST /api/v1/auth/password` `ChangePasswordRequest` (with the CSRF header) → 204; other sessions
 *   of the user end. While `mustChangePassword` is true (a one-time password from `user create` or
 *   `reset-password`), every other route answers 403 `E_PASSWORD_CHANGE_REQUIRED`.
 * - A session ends after `expiresAt` (absolute) or after `idleTimeoutSeconds` without a request:
 *   401 `E_UNAUTHORIZED`, the console shows the login page again.
 *
 * Scripts and the CLI use API tokens (`Authorization: Bearer pwt_…`) instead: no cookie, no CSRF.
 */

export const OPERATOR_ROLES = ['admin', 'operator', 'approver', 'auditor'] as const;
/** admin: users, tokens, settings; operator: deployments, tags; approver: approves deployments (not their own); auditor: reads everything, changes nothing. */
export const OperatorRole = z.enum(OPERATOR_ROLES);
export type OperatorRole = z.infer<typeof OperatorRole>;

export const AUTH_PATHS = {
  login: '/api/v1/auth/login',
  logout: '/api/v1/auth/logout',
  me: '/api/v1/auth/me',
  csrf: '/api/v1/auth/csrf',
  password: '/api/v1/auth/password',
} as const;

/** Request header carrying the CSRF token on state-changing requests of a session. */
export const CSRF_HEADER = 'x-csrf-token';
/** Session cookie name on plain HTTP (loopback development). */
export const SESSION_COOKIE = 'pw_session';
/** Session cookie name under TLS (`__Host-`: Secure, Path=/, no Domain, enforced by browsers). */
export const SECURE_SESSION_COOKIE = '__Host-pw_session';

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const Username = z.string().regex(USERNAME_PATTERN, 'username must be 1-64 of letters, digits and . _ @ - (starting with a letter or digit)');

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;
/** A password as a user chooses it: long enough, bounded (scrypt cost must not be an attack surface). */
export const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `password must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `password must be at most ${PASSWORD_MAX_LENGTH} characters`);

export const LoginRequest = z
  .object({
    username: z.string().min(1).max(64),
    /** Any length up to the maximum: the login does not judge old passwords by today's policy. */
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

const Timestamp = z.iso.datetime({ offset: true });

export const UserView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: OperatorRole,
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: Timestamp,
  createdBy: z.string(),
  lastLoginAt: Timestamp.nullable(),
  /** Set while the account is locked after repeated failed logins. */
  lockedUntil: Timestamp.nullable(),
});
export type UserView = z.infer<typeof UserView>;

export const SessionView = z.object({
  expiresAt: Timestamp,
  idleTimeoutSeconds: z.number().int().positive(),
});
export type SessionView = z.infer<typeof SessionView>;

export const LoginResponse = z.object({
  user: UserView,
  session: SessionView,
  /** Send as `x-csrf-token` on every state-changing request of this session. */
  csrfToken: z.string(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

export const MeResponse = z.object({
  /** `session`: signed in through the console; `api-token`: a bearer token (no CSRF token then). */
  kind: z.enum(['session', 'api-token']),
  name: z.string(),
  role: OperatorRole,
  user: UserView.nullable(),
  session: SessionView.nullable(),
  csrfToken: z.string().nullable(),
});
export type MeResponse = z.infer<typeof MeResponse>;

export const CsrfResponse = z.object({ csrfToken: z.string() });
export type CsrfResponse = z.infer<typeof CsrfResponse>;

export const ChangePasswordRequest = z
  .object({ currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH), newPassword: Password })
  .strict()
  .refine((b) => b.currentPassword !== b.newPassword, { message: 'the new password must differ from the current one', path: ['newPassword'] });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;
