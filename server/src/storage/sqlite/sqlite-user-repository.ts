import { PatchwaveError } from '@patchwave/shared';
import type { Role } from '../../domain/api-tokens/api-token.js';
import type { NewUser, User, UserPatch } from '../../domain/users/user.js';
import type { UserRepository } from '../../domain/users/user-repository.js';
import type { Db } from './rows.js';
import { iso, toDate, toDateOrNull } from './rows.js';
import type { UsersTable } from './schema-access.js';

function toUser(row: UsersTable): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    disabledAt: toDateOrNull(row.disabled_at),
    mustChangePassword: row.must_change_password === 1,
    createdAt: toDate(row.created_at),
    createdBy: row.created_by,
    passwordChangedAt: toDate(row.password_changed_at),
    lastLoginAt: toDateOrNull(row.last_login_at),
    failedLogins: row.failed_logins,
    lockedUntil: toDateOrNull(row.locked_until),
  };
}

export class SqliteUserRepository implements UserRepository {
  constructor(private readonly db: Db) {}

  async insert(user: NewUser): Promise<User> {
    const taken = await this.db.selectFrom('users').select('id').where('username', '=', user.username).executeTakeFirst();
    if (taken) throw new PatchwaveError('E_CONFLICT', `a user named "${user.username}" exists already`);
    const row = await this.db
      .insertInto('users')
      .values({
        id: user.id,
        username: user.username,
        display_name: user.displayName,
        role: user.role,
        password_hash: user.passwordHash,
        must_change_password: user.mustChangePassword ? 1 : 0,
        created_at: iso(user.createdAt),
        created_by: user.createdBy,
        password_changed_at: iso(user.createdAt),
        last_login_at: null,
        failed_logins: 0,
        locked_until: null,
        disabled_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async get(id: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async findByUsername(username: string): Promise<{ user: User; passwordHash: string } | null> {
    // The column is COLLATE NOCASE: the comparison is case-insensitive and uses the unique index.
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toUser);
  }

  async update(id: string, patch: UserPatch): Promise<User | null> {
    const values: Partial<UsersTable> = {};
    if (patch.role !== undefined) values.role = patch.role;
    if (patch.displayName !== undefined) values.display_name = patch.displayName;
    if (patch.disabledAt !== undefined) values.disabled_at = patch.disabledAt ? iso(patch.disabledAt) : null;
    if (Object.keys(values).length > 0) await this.db.updateTable('users').set(values).where('id', '=', id).execute();
    return this.get(id);
  }

  async setPassword(id: string, passwordHash: string, mustChangePassword: boolean, at: Date): Promise<User | null> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: mustChangePassword ? 1 : 0, password_changed_at: iso(at), failed_logins: 0, locked_until: null })
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }

  async recordLoginFailure(id: string, failedLogins: number, lockedUntil: Date | null): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ failed_logins: failedLogins, locked_until: lockedUntil ? iso(lockedUntil) : null })
      .where('id', '=', id)
      .execute();
  }

  async recordLoginSuccess(id: string, at: Date): Promise<void> {
    await this.db.updateTable('users').set({ last_login_at: iso(at), failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
  }

  async count(): Promise<number> {
    const { n } = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }

  async countActiveAdmins(): Promise<number> {
    const { n } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}
