/** Operator roles (the security issue gives users the same roles). */
export const ROLES = ['admin', 'operator', 'approver', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
  /** Null: does not expire. */
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The user the token belongs to; null for system tokens (first start, data-dir recovery). */
  userId: string | null;
}

export interface NewApiToken extends Omit<ApiToken, 'lastUsedAt' | 'revokedAt' | 'userId'> {
  secretHash: string;
  userId?: string | null;
}

/**
 * Who is calling an operator route: an API token (`Authorization: Bearer pwt_…`) or a console
 * session (cookie). `id`/`name` are the token's or, for a session, the user's.
 */
export interface Principal {
  kind: 'api-token' | 'session';
  id: string;
  name: string;
  role: Role;
  /** Audit actor string: `api-token:<id>` or `user:<id>`. */
  actor: string;
  /** The person behind the request: the session's user, or the user owning the token; null for system tokens. */
  userId: string | null;
  /** Session only: the session id (to end it at logout). */
  sessionId?: string;
}

/**
 * Who a principal is as an operator, for rules such as "an approver cannot approve their own
 * deployment": the same user through a session or through one of their tokens is one identity.
 * Store this for the creator and compare it for the approver.
 */
export function operatorIdentity(principal: Pick<Principal, 'userId' | 'actor'>): string {
  return principal.userId ? `user:${principal.userId}` : principal.actor;
}

/**
 * Does `role` satisfy a route that requires `required`? admin may do everything; `auditor` on a
 * route means read-only access, which every role has; otherwise the role must match.
 */
export function roleSatisfies(role: Role, required: Role): boolean {
  return role === 'admin' || required === 'auditor' || role === required;
}
