import type { ApiToken, NewApiToken } from './api-token.js';

export interface ApiTokenRepository {
  insert(token: NewApiToken): Promise<ApiToken>;
  findBySecretHash(secretHash: string): Promise<ApiToken | null>;
  /** Newest first. */
  list(): Promise<ApiToken[]>;
  revoke(id: string, at: Date): Promise<ApiToken | null>;
  /** Records use; implementations may skip the write when the stored time is recent. */
  touch(id: string, at: Date): Promise<void>;
  count(): Promise<number>;
}
