import type { KeyObject } from 'node:crypto';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

/** Ed25519 helpers over node:crypto: raw public keys as base64url, fingerprints as hex SHA-256. */

export interface Ed25519KeyPair {
  publicKey: string;
  privateKeyPem: string;
}

export function generateEd25519(): Ed25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: rawPublicKey(publicKey), privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

/** base64url of the 32 raw bytes of an Ed25519 public key (the JWK `x`). */
export function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 public key');
  return jwk.x;
}

export function publicKeyObject(publicKey: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
}

export function publicKeyPem(publicKey: string): string {
  return publicKeyObject(publicKey).export({ format: 'pem', type: 'spki' }).toString();
}

export function privateKeyObject(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  return key;
}

/** Lowercase hex SHA-256 of the raw public key: what operators pin as PATCHWAVE_SERVER_KEY. */
export function keyFingerprint(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex');
}

/** The key id carried by every signed job: `k-` and the first 16 hex digits of the fingerprint. */
export function keyIdOf(publicKey: string): string {
  return `k-${keyFingerprint(publicKey).slice(0, 16)}`;
}

export function signText(privateKey: KeyObject, data: Uint8Array | string): string {
  return sign(null, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, privateKey).toString('base64url');
}

export function verifyText(publicKey: KeyObject, data: Uint8Array | string, signature: string): boolean {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    return verify(null, bytes, publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false; // a malformed signature is simply not valid
  }
}
