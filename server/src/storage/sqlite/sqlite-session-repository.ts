import type { NewSession, Session } from '../../domain/sessions/session.js';
import type { SessionRepository } from '../../domain/sessions/session-repository.js';
import type { Db } from './rows.js';
import { iso, toDate } from './rows.js';
import type { SessionsTable } from './schema-access.js';

function toSession(row: SessionsTable): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: toDate(row.created_at),
    lastSeenAt: toDate(row.last_seen_at),
    expiresAt: toDate(row.expires_at),
    remoteAddress: row.remote_address,
    userAgent: row.user_agent,
  };
}

export class SqliteSessionRepository implements SessionRepository {
  constructor(private readonly db: Db) {}

  async insert(session: NewSession): Promise<Session> {
    const row = await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        secret_hash: session.secretHash,
        user_id: session.userId,
        created_at: iso(session.createdAt),
        last_seen_at: iso(session.lastSeenAt),
        expires_at: iso(session.expiresAt),
        remote_address: session.remoteAddress,
        user_agent: session.userAgent,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSession(row);
  }

  async findBySecretHash(secretHash: string): Promise<Session | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return row ? toSession(row) : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: iso(at) }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteForUser(userId: string, exceptId?: string): Promise<number> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId) query = query.where('id', '!=', exceptId);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteStale(before: Date, idleBefore: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', iso(before)), eb('last_seen_at', '<=', iso(idleBefore))]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
