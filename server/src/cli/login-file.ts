import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const LoginFile = z.object({ server: z.url(), token: z.string().min(1) });
export type LoginFile = z.infer<typeof LoginFile>;

/** `$XDG_CONFIG_HOME/patchwave/cli.json` (or the per-OS equivalent). */
export function loginFilePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PATCHWAVE_CLI_CONFIG) return env.PATCHWAVE_CLI_CONFIG;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'patchwave', 'cli.json');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'patchwave', 'cli.json');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'patchwave', 'cli.json');
}

export function readLoginFile(path: string): LoginFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = LoginFile.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path} is not a valid patchwave login file; run "patchwave login" again`);
  return parsed.data;
}

/** Writes the file readable by the user only (0600, directory 0700): it holds an API token. */
export function writeLoginFile(path: string, login: LoginFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function removeLoginFile(path: string): boolean {
  try {
    rmSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
