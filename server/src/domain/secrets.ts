import { createHash, randomBytes } from 'node:crypto';

/**
 * Secret prefixes: they make a leaked secret recognisable (log redaction, secret scanners) and
 * let the server refuse a secret of the wrong kind before any lookup.
 */
export const SECRET_PREFIX = {
  enrollment: 'pwe_',
  agent: 'pwa_',
  api: 'pwt_',
  session: 'pws_',
} as const;
export type SecretKind = keyof typeof SECRET_PREFIX;

/** 32 random bytes, base64url, behind the kind's prefix. Shown once; only its hash is stored. */
export function generateSecret(kind: SecretKind): string {
  return `${SECRET_PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 of the secret, hex. A plain hash is enough here (no salt, no KDF): the secrets are 256
 * random bits, not passwords. Secrets are found by an indexed equality lookup of this hash, so no
 * comparison ever runs over the secret itself and there is no timing signal to measure.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function hasPrefix(secret: string, kind: SecretKind): boolean {
  return secret.startsWith(SECRET_PREFIX[kind]) && secret.length > SECRET_PREFIX[kind].length;
}

/** Parses `Authorization: Bearer <secret>`; null when absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
