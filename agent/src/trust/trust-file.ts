import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';
import { KeyTrustState } from './key-trust.js';

/** `<stateDir>/trust.json` (0600): the server keys this agent trusts for job signatures. */
export function trustFile(stateDir: string): string {
  return path.join(stateDir, 'trust.json');
}

/** The stored trust, undefined when none yet; a damaged file is an error (the agent must not silently re-trust). */
export async function readTrust(file: string): Promise<KeyTrustState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed;
  try {
    parsed = KeyTrustState.safeParse(JSON.parse(text));
  } catch (err) {
    throw new Error(`${file} is damaged (${(err as Error).message}); remove it to pin the server key again`, { cause: err });
  }
  if (!parsed.success) throw new Error(`${file} is damaged (field "${parsed.error.issues[0]?.path.join('.') ?? ''}"); remove it to pin the server key again`);
  return parsed.data;
}

export async function writeTrust(file: string, state: KeyTrustState): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(KeyTrustState.parse(state), null, 2)}\n`, 0o600);
}
