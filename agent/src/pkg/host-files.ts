import fs from 'node:fs/promises';

/**
 * Read-only access to files an adapter inspects (reboot markers, configuration). A port so that
 * adapter tests serve real captured content from memory instead of touching the host.
 */
export interface HostFiles {
  /** The file's text, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
}

export class NodeHostFiles implements HostFiles {
  async readText(path: string): Promise<string | undefined> {
    try {
      return await fs.readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fs.access(path);
      return true;
    } catch {
      return false;
    }
  }
}

/** Files held in memory: path → content. */
export class MemoryHostFiles implements HostFiles {
  constructor(private readonly files: Readonly<Record<string, string>>) {}

  async readText(path: string): Promise<string | undefined> {
    return this.files[path];
  }

  async exists(path: string): Promise<boolean> {
    return path in this.files;
  }
}
