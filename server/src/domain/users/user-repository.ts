import type { NewUser, User, UserPatch } from './user.js';

export interface UserRepository {
  /** A username that exists already (case-insensitively) is an E_CONFLICT error. */
  insert(user: NewUser): Promise<User>;
  get(id: string): Promise<User | null>;
  /** The user and its password hash, by case-insensitive username. */
  findByUsername(username: string): Promise<{ user: User; passwordHash: string } | null>;
  /** Oldest first. */
  list(): Promise<User[]>;
  update(id: string, patch: UserPatch): Promise<User | null>;
  /** Replaces the password; clears failures and any lock. */
  setPassword(id: string, passwordHash: string, mustChangePassword: boolean, at: Date): Promise<User | null>;
  recordLoginFailure(id: string, failedLogins: number, lockedUntil: Date | null): Promise<void>;
  recordLoginSuccess(id: string, at: Date): Promise<void>;
  count(): Promise<number>;
  /** Active (not disabled) admins. */
  countActiveAdmins(): Promise<number>;
}
