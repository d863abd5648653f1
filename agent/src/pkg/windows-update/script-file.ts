import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PatchwaveError } from '@patchwave/shared';

/**
 * Puts the embedded wua.ps1 on disk for `powershell.exe -File`: in a fresh private directory
 * (mkdtemp: mode 0700 on POSIX; on Windows the creator owns it, so other users cannot change the
 * file), rewritten whenever its content differs from the embedded script, so a tampered or deleted
 * copy is never run.
 */
export class ScriptFile {
  private file: string | undefined;

  constructor(
    private readonly content: string,
    /** Parent directory: the agent's own data directory in production; os.tmpdir() by default. */
    private readonly parent: string = os.tmpdir(),
  ) {}

  async path(): Promise<string> {
    if (!path.isAbsolute(this.parent)) throw new PatchwaveError('E_CONFIG_INVALID', `script directory ${JSON.stringify(this.parent)} is not an absolute path`);
    this.file ??= path.join(await mkdtemp(path.join(this.parent, 'patchwave-wua-')), 'wua.ps1');
    let current: string | undefined;
    try {
      current = await readFile(this.file, 'utf8');
    } catch {
      current = undefined; // first use, or someone deleted it: write it (again)
    }
    if (current !== this.content) await writeFile(this.file, this.content, { encoding: 'utf8', mode: 0o600 });
    return this.file;
  }

  /** Removes the directory (agent shutdown, tests). */
  async dispose(): Promise<void> {
    if (this.file) await rm(path.dirname(this.file), { recursive: true, force: true });
    this.file = undefined;
  }
}
