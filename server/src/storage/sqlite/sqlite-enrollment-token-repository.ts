import type { EnrollmentToken, NewEnrollmentToken } from '../../domain/enrollment/enrollment-token.js';
import type { EnrollmentTokenRepository } from '../../domain/enrollment/enrollment-token-repository.js';
import type { Db } from './rows.js';
import { iso, parseJson, toDate, toDateOrNull } from './rows.js';
import type { EnrollmentTokensTable } from './schema.js';
import type { Selectable } from 'kysely';

function toToken(row: Selectable<EnrollmentTokensTable>): EnrollmentToken {
  return {
    id: row.id,
    name: row.name,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    maxUses: row.max_uses,
    uses: row.uses,
    revokedAt: toDateOrNull(row.revoked_at),
    revokedBy: row.revoked_by,
    tags: parseJson<string[]>(row.tags_json, []),
    requiresApproval: row.requires_approval === 1,
  };
}

export class SqliteEnrollmentTokenRepository implements EnrollmentTokenRepository {
  constructor(private readonly db: Db) {}

  async insert(token: NewEnrollmentToken): Promise<EnrollmentToken> {
    const row = await this.db
      .insertInto('enrollment_tokens')
      .values({
        id: token.id,
        name: token.name,
        secret_hash: token.secretHash,
        created_by: token.createdBy,
        created_at: iso(token.createdAt),
        expires_at: iso(token.expiresAt),
        max_uses: token.maxUses,
        uses: 0,
        revoked_at: null,
        revoked_by: null,
        tags_json: JSON.stringify(token.tags),
        requires_approval: token.requiresApproval ? 1 : 0,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toToken(row);
  }

  async get(id: string): Promise<EnrollmentToken | null> {
    const row = await this.db.selectFrom('enrollment_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async findBySecretHash(secretHash: string): Promise<EnrollmentToken | null> {
    const row = await this.db.selectFrom('enrollment_tokens').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async list(): Promise<EnrollmentToken[]> {
    const rows = await this.db.selectFrom('enrollment_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toToken);
  }

  async revoke(id: string, at: Date, by: string): Promise<EnrollmentToken | null> {
    await this.db
      .updateTable('enrollment_tokens')
      .set({ revoked_at: iso(at), revoked_by: by })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    return this.get(id);
  }

  async consumeUse(id: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('enrollment_tokens')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', iso(now))
      .whereRef('uses', '<', 'max_uses')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
