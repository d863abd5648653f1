/** A signed-in console session. Its secret (`pws_…`) lives only in the browser's cookie; the server keeps its hash. */
export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** Absolute end, whatever the activity. */
  expiresAt: Date;
  remoteAddress: string;
  userAgent: string;
}

export interface NewSession extends Session {
  secretHash: string;
}

export interface SessionPolicy {
  /** Absolute lifetime (default 12 h). */
  absoluteMs: number;
  /** Ends after this long without a request (default 30 min). */
  idleMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { absoluteMs: 12 * 3_600_000, idleMs: 30 * 60_000 };

/** Whether the session is still valid at `now`: before its absolute end and not idle for too long. */
export function sessionAlive(session: Pick<Session, 'expiresAt' | 'lastSeenAt'>, policy: SessionPolicy, now: Date): boolean {
  const t = now.getTime();
  return t < session.expiresAt.getTime() && t - session.lastSeenAt.getTime() < policy.idleMs;
}
