import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { generateSecret, hashSecret, hasPrefix } from '../secrets.js';
import type { Store } from '../store.js';
import type { User } from '../users/user.js';
import { userActor } from '../users/user.js';
import type { Session, SessionPolicy } from './session.js';
import { DEFAULT_SESSION_POLICY, sessionAlive } from './session.js';

/** How long a use is remembered before `lastSeenAt` is written again (idle checks stay exact to this). */
const TOUCH_INTERVAL_MS = 30_000;

export interface SessionContext {
  remoteAddress: string;
  userAgent: string;
}

/** Console sessions: created at login, checked on every request (absolute and idle expiry), ended at logout. */
export class SessionService {
  readonly policy: SessionPolicy;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    policy: Partial<SessionPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_SESSION_POLICY, ...policy };
  }

  /** A new session for a user who just proved their password; returns the cookie secret (`pws_…`). */
  async create(user: User, context: SessionContext): Promise<{ session: Session; secret: string }> {
    const now = this.clock.now();
    const secret = generateSecret('session');
    const session = await this.store.sessions.insert({
      id: randomUUID(),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.policy.absoluteMs),
      remoteAddress: context.remoteAddress.slice(0, 64),
      userAgent: context.userAgent.slice(0, 256),
      secretHash: hashSecret(secret),
    });
    // Opportunistic clean-up of sessions that can no longer be used.
    await this.store.sessions.deleteStale(now, new Date(now.getTime() - this.policy.idleMs));
    return { session, secret };
  }

  /** The live session and its (enabled) user for a cookie secret; null when unknown, expired, idle or disabled. */
  async authenticate(secret: string): Promise<{ session: Session; user: User } | null> {
    if (!hasPrefix(secret, 'session') || secret.length > 128) return null;
    const session = await this.store.sessions.findBySecretHash(hashSecret(secret));
    if (!session) return null;
    const now = this.clock.now();
    if (!sessionAlive(session, this.policy, now)) {
      await this.store.sessions.delete(session.id);
      return null;
    }
    const user = await this.store.users.get(session.userId);
    if (!user || user.disabledAt) {
      await this.store.sessions.delete(session.id);
      return null;
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.store.sessions.touch(session.id, now);
      session.lastSeenAt = now;
    }
    return { session, user };
  }

  async end(session: Session, reason: 'logout'): Promise<void> {
    if (await this.store.sessions.delete(session.id)) {
      await this.audit.record(null, { actor: userActor(session.userId), action: 'auth.logout', target: userActor(session.userId), details: { reason } });
    }
  }

  /** When the session ends if no request comes first (the earlier of absolute and idle end). */
  idleExpiry(session: Session): Date {
    return new Date(Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + this.policy.idleMs));
  }
}
