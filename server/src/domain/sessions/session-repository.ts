import type { NewSession, Session } from './session.js';

export interface SessionRepository {
  insert(session: NewSession): Promise<Session>;
  findBySecretHash(secretHash: string): Promise<Session | null>;
  touch(id: string, at: Date): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Ends every session of the user but `exceptId`; returns how many ended. */
  deleteForUser(userId: string, exceptId?: string): Promise<number>;
  /** Removes sessions whose absolute end is before `before` or that were idle since `idleBefore`. */
  deleteStale(before: Date, idleBefore: Date): Promise<number>;
}
