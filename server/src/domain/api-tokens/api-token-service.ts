import { randomUUID } from 'node:crypto';
import { PatchwaveError } from '@patchwave/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { generateSecret, hashSecret, hasPrefix } from '../secrets.js';
import type { Store } from '../store.js';
import type { ApiToken, Principal, Role } from './api-token.js';
import { roleSatisfies } from './api-token.js';

export interface CreateApiToken {
  name: string;
  role: Role;
  expiresAt: Date | null;
  /** The user the token belongs to (it stops working when that user is disabled or loses the role). */
  userId?: string | null;
}

/** How long a use is remembered before `lastUsedAt` is written again. */
const TOUCH_INTERVAL_MS = 60_000;

/** Operator API tokens (`pwt_…`): the first-start admin token and the check on every operator request. */
export class ApiTokenService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateApiToken, actor: string): Promise<{ token: ApiToken; secret: string }> {
    const secret = generateSecret('api');
    const token = await this.store.transaction(async (tx) => {
      const created = await tx.apiTokens.insert({
        id: randomUUID(),
        name: input.name,
        role: input.role,
        createdBy: actor,
        createdAt: this.clock.now(),
        expiresAt: input.expiresAt,
        secretHash: hashSecret(secret),
        userId: input.userId ?? null,
      });
      await this.audit.record(tx.audit, {
        actor,
        action: 'api-token.create',
        target: `api-token:${created.id}`,
        details: { name: created.name, role: created.role, expiresAt: created.expiresAt?.toISOString() ?? null, userId: created.userId },
      });
      return created;
    });
    return { token, secret };
  }

  /**
   * On first start (no API token exists yet) creates the admin token and returns its secret, to be
   * shown once. Returns null when tokens already exist.
   */
  async bootstrapAdmin(): Promise<{ token: ApiToken; secret: string } | null> {
    if ((await this.store.apiTokens.count()) > 0) return null;
    return this.create({ name: 'admin (first start)', role: 'admin', expiresAt: null }, 'system');
  }

  async revoke(id: string, actor: string): Promise<ApiToken> {
    return this.store.transaction(async (tx) => {
      const token = await tx.apiTokens.revoke(id, this.clock.now());
      if (!token) throw new PatchwaveError('E_NOT_FOUND', `API token ${id} not found`);
      await this.audit.record(tx.audit, { actor, action: 'api-token.revoke', target: `api-token:${id}`, details: { name: token.name } });
      return token;
    });
  }

  list(): Promise<ApiToken[]> {
    return this.store.apiTokens.list();
  }

  /** The principal a `pwt_` secret stands for; null when unknown, revoked or expired. */
  async authenticate(secret: string): Promise<Principal | null> {
    if (!hasPrefix(secret, 'api')) return null;
    const hash = hashSecret(secret);
    const token = await this.store.apiTokens.findBySecretHash(hash);
    if (!token || token.revokedAt) return null;
    const now = this.clock.now();
    if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return null;
    if (token.userId) {
      // A token never outlives or outranks the person it belongs to.
      const owner = await this.store.users.get(token.userId);
      if (!owner || owner.disabledAt || !roleSatisfies(owner.role, token.role)) return null;
    }
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.store.apiTokens.touch(token.id, now);
    }
    return { kind: 'api-token', id: token.id, name: token.name, role: token.role, actor: `api-token:${token.id}`, userId: token.userId };
  }
}
