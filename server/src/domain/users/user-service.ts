import { randomUUID } from 'node:crypto';
import { PatchwaveError } from '@patchwave/shared';
import type { Role } from '../api-tokens/api-token.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { FailureThrottle } from '../sessions/failure-throttle.js';
import type { Store } from '../store.js';
import type { ScryptParams } from './password-hash.js';
import { DEFAULT_SCRYPT, decoyHash, generateOneTimePassword, hashPassword, needsRehash, verifyPassword } from './password-hash.js';
import type { User } from './user.js';
import { isLocked, userActor } from './user.js';

export interface CreateUser {
  username: string;
  role: Role;
  displayName?: string;
  /** Omitted: a one-time password is generated and must be changed at first login. */
  password?: string;
}

export interface AccountLockPolicy {
  /** Consecutive failed logins that lock the account. */
  maxFailures: number;
  lockMs: number;
}

export const DEFAULT_ACCOUNT_LOCK: AccountLockPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

export type LoginCheck =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

export interface UserServiceOptions {
  scrypt?: ScryptParams;
  lock?: AccountLockPolicy;
}

/** Operator accounts: creation, roles, disabling, passwords and the login check with account lockout. */
export class UserService {
  private readonly scrypt: ScryptParams;
  private readonly lock: AccountLockPolicy;
  private decoy: Promise<string> | null = null;
  /**
   * Failures for usernames that do not exist, locked like real accounts: otherwise "this account is
   * locked" would tell a guesser which usernames exist.
   */
  private readonly unknownUsers: FailureThrottle;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    options: UserServiceOptions = {},
  ) {
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT;
    this.lock = options.lock ?? DEFAULT_ACCOUNT_LOCK;
    this.unknownUsers = new FailureThrottle({ maxFailures: this.lock.maxFailures, windowMs: 24 * 3_600_000, lockMs: this.lock.lockMs }, clock);
  }

  async create(input: CreateUser, actor: string): Promise<{ user: User; oneTimePassword: string | null }> {
    const oneTimePassword = input.password === undefined ? generateOneTimePassword() : null;
    const passwordHash = await hashPassword(input.password ?? (oneTimePassword as string), this.scrypt);
    const user = await this.store.transaction(async (tx) => {
      const created = await tx.users.insert({
        id: randomUUID(),
        username: input.username,
        displayName: input.displayName ?? '',
        role: input.role,
        createdAt: this.clock.now(),
        createdBy: actor,
        passwordHash,
        mustChangePassword: oneTimePassword !== null,
      });
      await this.audit.record(tx.audit, {
        actor,
        action: 'user.create',
        target: userActor(created.id),
        details: { username: created.username, role: created.role, oneTimePassword: oneTimePassword !== null },
      });
      return created;
    });
    return { user, oneTimePassword };
  }

  /**
   * First start: when no user exists, creates the admin (with the given password, else a one-time
   * password to be shown once). Null when users exist already.
   */
  async bootstrapAdmin(password?: string, username = 'admin'): Promise<{ user: User; oneTimePassword: string | null } | null> {
    if ((await this.store.users.count()) > 0) return null;
    return this.create({ username, role: 'admin', displayName: 'Administrator', ...(password === undefined ? {} : { password }) }, 'system');
  }

  list(): Promise<User[]> {
    return this.store.users.list();
  }

  async get(id: string): Promise<User> {
    const user = await this.store.users.get(id);
    if (!user) throw new PatchwaveError('E_NOT_FOUND', `user ${id} not found`);
    return user;
  }

  /** Changes role, display name or the disabled flag. Disabling or demoting ends the user's sessions. */
  async update(id: string, patch: { role?: Role; displayName?: string; disabled?: boolean }, actor: string): Promise<User> {
    return this.store.transaction(async (tx) => {
      const before = await tx.users.get(id);
      if (!before) throw new PatchwaveError('E_NOT_FOUND', `user ${id} not found`);
      const disabling = patch.disabled === true && !before.disabledAt;
      const demoting = patch.role !== undefined && before.role === 'admin' && patch.role !== 'admin';
      if ((disabling || demoting) && before.role === 'admin' && !before.disabledAt && (await tx.users.countActiveAdmins()) <= 1) {
        throw new PatchwaveError('E_CONFLICT', `user ${before.username} is the last active admin; create or enable another admin first`);
      }
      const disabledAt = patch.disabled === undefined ? undefined : patch.disabled ? (before.disabledAt ?? this.clock.now()) : null;
      const after = (await tx.users.update(id, {
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
        ...(disabledAt !== undefined ? { disabledAt } : {}),
      })) as User;
      const roleChanged = patch.role !== undefined && patch.role !== before.role;
      if (disabling || roleChanged) await tx.sessions.deleteForUser(id);
      const changes: Record<string, unknown> = {};
      if (roleChanged) changes.role = { from: before.role, to: after.role };
      if (patch.displayName !== undefined && patch.displayName !== before.displayName) changes.displayName = { from: before.displayName, to: after.displayName };
      if (patch.disabled !== undefined && Boolean(before.disabledAt) !== patch.disabled) changes.disabled = patch.disabled;
      if (Object.keys(changes).length > 0) {
        const action = changes.disabled === true ? 'user.disable' : changes.disabled === false ? 'user.enable' : 'user.update';
        await this.audit.record(tx.audit, { actor, action, target: userActor(id), details: { username: after.username, ...changes } });
      }
      return after;
    });
  }

  /** Sets a new password (given, else a one-time one to change at next login), unlocks and ends all sessions. */
  async resetPassword(id: string, password: string | undefined, actor: string): Promise<{ user: User; oneTimePassword: string | null }> {
    const oneTimePassword = password === undefined ? generateOneTimePassword() : null;
    const hash = await hashPassword(password ?? (oneTimePassword as string), this.scrypt);
    const user = await this.store.transaction(async (tx) => {
      const updated = await tx.users.setPassword(id, hash, oneTimePassword !== null, this.clock.now());
      if (!updated) throw new PatchwaveError('E_NOT_FOUND', `user ${id} not found`);
      const ended = await tx.sessions.deleteForUser(id);
      await this.audit.record(tx.audit, { actor, action: 'user.password.reset', target: userActor(id), details: { username: updated.username, oneTimePassword: oneTimePassword !== null, sessionsEnded: ended } });
      return updated;
    });
    return { user, oneTimePassword };
  }

  /** The user changes their own password; their other sessions end. */
  async changePassword(id: string, currentPassword: string, newPassword: string, keepSessionId?: string): Promise<User> {
    const user = await this.get(id);
    const found = await this.store.users.findByUsername(user.username);
    if (!found || !(await verifyPassword(currentPassword, found.passwordHash))) {
      await this.audit.record(null, { actor: userActor(id), action: 'user.password.change.failed', target: userActor(id), details: { reason: 'current password wrong' } });
      throw new PatchwaveError('E_VALIDATION', 'body.currentPassword: the current password is wrong', { details: { issues: [{ path: 'body.currentPassword', message: 'the current password is wrong' }] } });
    }
    const hash = await hashPassword(newPassword, this.scrypt);
    return this.store.transaction(async (tx) => {
      const updated = (await tx.users.setPassword(id, hash, false, this.clock.now())) as User;
      const ended = await tx.sessions.deleteForUser(id, keepSessionId);
      await this.audit.record(tx.audit, { actor: userActor(id), action: 'user.password.change', target: userActor(id), details: { username: updated.username, otherSessionsEnded: ended } });
      return updated;
    });
  }

  /**
   * Checks a login. Unknown user, wrong password and disabled account look the same to the caller
   * (and cost the same scrypt time); a locked account is refused without checking the password.
   * Every outcome is audited.
   */
  async checkLogin(username: string, password: string, remoteAddress: string): Promise<LoginCheck> {
    const now = this.clock.now();
    const found = await this.store.users.findByUsername(username);
    const unknownKey = username.toLowerCase();
    const lockedMs = found ? (isLocked(found.user, now) ? (found.user.lockedUntil as Date).getTime() - now.getTime() : 0) : this.unknownUsers.retryAfterMs(unknownKey);
    if (lockedMs > 0) {
      await this.audit.record(null, {
        actor: 'anonymous',
        action: 'auth.login.locked',
        target: found ? userActor(found.user.id) : '',
        details: { username, remoteAddress, lockedUntil: new Date(now.getTime() + lockedMs) },
      });
      return { ok: false, reason: 'locked', retryAfterMs: lockedMs };
    }
    const matches = await verifyPassword(password, found?.passwordHash ?? (await this.decoyHash()));
    if (!found || !matches || found.user.disabledAt) {
      let locked: Date | null = null;
      if (!found) this.unknownUsers.fail(unknownKey);
      if (found && !matches) {
        const failures = found.user.failedLogins + 1;
        locked = failures >= this.lock.maxFailures ? new Date(now.getTime() + this.lock.lockMs) : null;
        await this.store.users.recordLoginFailure(found.user.id, locked ? 0 : failures, locked);
      }
      const reason = !found ? 'unknown user' : !matches ? 'wrong password' : 'user disabled';
      await this.audit.record(null, {
        actor: 'anonymous',
        action: 'auth.login.failed',
        target: found ? userActor(found.user.id) : '',
        details: { username, reason, remoteAddress, ...(locked ? { lockedUntil: locked } : {}) },
      });
      return { ok: false, reason: 'invalid' };
    }
    await this.store.users.recordLoginSuccess(found.user.id, now);
    if (needsRehash(found.passwordHash, this.scrypt)) {
      await this.store.users.setPassword(found.user.id, await hashPassword(password, this.scrypt), found.user.mustChangePassword, found.user.passwordChangedAt);
    }
    await this.audit.record(null, { actor: userActor(found.user.id), action: 'auth.login', target: userActor(found.user.id), details: { username: found.user.username, remoteAddress } });
    return { ok: true, user: { ...found.user, lastLoginAt: now, failedLogins: 0, lockedUntil: null } };
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= decoyHash(this.scrypt);
    return this.decoy;
  }
}
