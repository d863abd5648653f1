import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SigningKeyRecord, SigningKeyStore } from './signing-key.js';

const Record = z.object({
  keyId: z.string().min(1).max(128),
  publicKey: z.string().length(43),
  privateKeyPem: z.string().max(4096).nullable(),
  createdAt: z.string().max(64),
  notAfter: z.string().max(64).nullable(),
  revokedAt: z.string().max(64).nullable(),
  endorsement: z.object({ by: z.string().max(128), signature: z.string().max(256) }).nullable(),
});
const KeyFile = z.object({ version: z.literal(1), keys: z.array(Record).min(1).max(1000) });

/**
 * The keyring in `<dir>/signing-keys.json`: mode 0600 in a 0700 directory, replaced atomically
 * (temp file, fsync, rename, directory fsync). A file readable by others is refused rather than used.
 */
export class FileSigningKeyStore implements SigningKeyStore {
  readonly location: string;

  constructor(private readonly dir: string) {
    this.location = join(dir, 'signing-keys.json');
  }

  async load(): Promise<SigningKeyRecord[] | null> {
    let text: string;
    try {
      const info = await stat(this.location);
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
        throw new Error(`${this.location} is readable by others (mode ${(info.mode & 0o777).toString(8)}); run "chmod 600 ${this.location}" and start again`);
      }
      text = await readFile(this.location, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const parsed = KeyFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.location} is not a patchwave keyring: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data.keys;
  }

  async save(keys: readonly SigningKeyRecord[]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await chmod(this.dir, 0o700);
    const temp = join(this.dir, `.signing-keys.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${JSON.stringify({ version: 1, keys }, null, 2)}\n`, 'utf8');
      await handle.sync();
    } catch (err) {
      await handle.close();
      await rm(temp, { force: true });
      throw err;
    }
    await handle.close();
    await rename(temp, this.location);
    if (process.platform !== 'win32') {
      const dirHandle = await open(this.dir, 'r');
      try {
        await dirHandle.sync();
      } finally {
        await dirHandle.close();
      }
    }
  }
}
