import type { EnrollmentToken, NewEnrollmentToken } from './enrollment-token.js';

export interface EnrollmentTokenRepository {
  insert(token: NewEnrollmentToken): Promise<EnrollmentToken>;
  get(id: string): Promise<EnrollmentToken | null>;
  findBySecretHash(secretHash: string): Promise<EnrollmentToken | null>;
  /** Newest first. */
  list(): Promise<EnrollmentToken[]>;
  /** Marks it revoked (once: a second revoke keeps the first time); null when there is no such token. */
  revoke(id: string, at: Date, by: string): Promise<EnrollmentToken | null>;
  /**
   * Takes one use if the token is still active at `now` (not revoked, not expired, uses < max),
   * as one conditional write so that concurrent enrollments cannot overspend it. Returns whether a
   * use was taken.
   */
  consumeUse(id: string, now: Date): Promise<boolean>;
}
