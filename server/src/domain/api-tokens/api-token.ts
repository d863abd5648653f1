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
}

export interface NewApiToken extends Omit<ApiToken, 'lastUsedAt' | 'revokedAt'> {
  secretHash: string;
}

/** Who is calling an operator route. */
export interface Principal {
  kind: 'api-token';
  id: string;
  name: string;
  role: Role;
  /** Audit actor string: `api-token:<id>`. */
  actor: string;
}

/**
 * Does `role` satisfy a route that requires `required`? admin may do everything; `auditor` on a
 * route means read-only access, which every role has; otherwise the role must match.
 */
export function roleSatisfies(role: Role, required: Role): boolean {
  return role === 'admin' || required === 'auditor' || role === required;
}
