import type { ApiToken, NewApiToken, Role } from '../../domain/api-tokens/api-token.js';
import type { ApiTokenRepository } from '../../domain/api-tokens/api-token-repository.js';
import type { Db } from './rows.js';
import { iso, isoOrNull, toDate, toDateOrNull } from './rows.js';
import type { ApiTokensTable } from './schema.js';

function toToken(row: ApiTokensTable): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdBy: row.created_by,
    createdAt: toDate(row.created_at),
    expiresAt: toDateOrNull(row.expires_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
    revokedAt: toDateOrNull(row.revoked_at),
    userId: row.user_id,
  };
}

export class SqliteApiTokenRepository implements ApiTokenRepository {
  constructor(private readonly db: Db) {}

  async insert(token: NewApiToken): Promise<ApiToken> {
    const row = await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        name: token.name,
        secret_hash: token.secretHash,
        role: token.role,
        created_by: token.createdBy,
        created_at: iso(token.createdAt),
        expires_at: isoOrNull(token.expiresAt),
        last_used_at: null,
        revoked_at: null,
        user_id: token.userId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toToken(row);
  }

  async findBySecretHash(secretHash: string): Promise<ApiToken | null> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async list(): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toToken);
  }

  async revoke(id: string, at: Date): Promise<ApiToken | null> {
    await this.db.updateTable('api_tokens').set({ revoked_at: iso(at) }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: iso(at) }).where('id', '=', id).execute();
  }

  async count(): Promise<number> {
    const { n } = await this.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }
}
