import { describe, expect, it } from 'vitest';
import { generateOneTimePassword, hashPassword, needsRehash, verifyPassword } from './password-hash.js';

// A cheap cost for the tests; the format records it, which is what is checked here.
const CHEAP = { ln: 10, r: 8, p: 1 };

describe('scrypt password hashes', () => {
  it('records its parameters and a per-hash salt in PHC form, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple', CHEAP);
    const b = await hashPassword('correct horse battery staple', CHEAP);
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b); // different salts
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('verifies a hash made with other parameters by its own parameters, and asks for a rehash when they are weaker', async () => {
    const old = await hashPassword('pässwörd with ümlauts', CHEAP);
    expect(await verifyPassword('pässwörd with ümlauts', old)).toBe(true);
    expect(await verifyPassword('pa\u0308sswo\u0308rd with u\u0308mlauts', old)).toBe(true); // NFC-normalised before hashing
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(old, CHEAP)).toBe(false);
  });

  it('never matches a malformed or tampered hash', async () => {
    const good = await hashPassword('x'.repeat(20), CHEAP);
    for (const bad of ['', 'plain', good.replace('ln=10', 'ln=99'), good.replace('$scrypt$', '$argon2$'), good.slice(0, -10)]) {
      expect(await verifyPassword('x'.repeat(20), bad), bad).toBe(false);
    }
  });

  it('generates one-time passwords of 125 bits from an unambiguous alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const p = generateOneTimePassword();
      expect(p).toMatch(/^[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){4}$/);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });
});
