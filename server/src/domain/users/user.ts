import type { Role } from '../api-tokens/api-token.js';

/** An operator account of the console and the REST API. */
export interface User {
  id: string;
  /** Unique, compared case-insensitively. */
  username: string;
  displayName: string;
  role: Role;
  disabledAt: Date | null;
  /** Set for a one-time password: every route but the password change answers E_PASSWORD_CHANGE_REQUIRED. */
  mustChangePassword: boolean;
  createdAt: Date;
  createdBy: string;
  passwordChangedAt: Date;
  lastLoginAt: Date | null;
  /** Failed logins since the last success or lock. */
  failedLogins: number;
  lockedUntil: Date | null;
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  createdAt: Date;
  createdBy: string;
  passwordHash: string;
  mustChangePassword: boolean;
}

export interface UserPatch {
  role?: Role;
  displayName?: string;
  disabledAt?: Date | null;
}

/** Audit actor string of a user. */
export const userActor = (id: string): string => `user:${id}`;

export function isLocked(user: Pick<User, 'lockedUntil'>, now: Date): boolean {
  return user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime();
}
