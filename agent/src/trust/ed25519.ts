import type { KeyObject } from 'node:crypto';
import { createHash, createPublicKey, verify } from 'node:crypto';

/** Ed25519 verification over node:crypto, keys as base64url raw public keys (as the server announces them). */

const cache = new Map<string, KeyObject>();

export function publicKeyObject(publicKey: string): KeyObject {
  let key = cache.get(publicKey);
  if (!key) {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
    if (cache.size > 64) cache.clear();
    cache.set(publicKey, key);
  }
  return key;
}

export function verifySignature(publicKey: string, data: Uint8Array | string, signature: string): boolean {
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return verify(null, bytes, publicKeyObject(publicKey), Buffer.from(signature, 'base64url'));
  } catch {
    return false; // a malformed key or signature does not verify
  }
}

/** Lowercase hex SHA-256 of the raw public key (what PATCHWAVE_SERVER_KEY pins). */
export function keyFingerprint(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex');
}
