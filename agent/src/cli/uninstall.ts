import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PatchwaveError } from '@patchwave/shared';
import { stateLayout } from '../state/layout.js';
import { acquireStateLock } from '../state/state-lock.js';

export interface UninstallOptions {
  /** Delete the configuration file and the state directory (credential, inventory base, journal). */
  purge: boolean;
  stateDir: string;
  configPath: string;
  platform?: NodeJS.Platform;
}

export interface UninstallResult {
  purged: boolean;
  removed: string[];
  kept: string[];
  /** How to remove the agent's program files and service on this OS (the package manager's job). */
  packageRemoval: string;
}

/** Entries the agent itself creates in its state directory (see state/layout.ts). */
const STATE_ENTRIES = new Set(['credential.json', 'inventory-base.json', 'agent.lock', 'journal', 'outbox']);

/** Directories a mistaken --state-dir must never make us delete. */
function protectedDirs(platform: NodeJS.Platform): string[] {
  const common = [os.homedir(), os.tmpdir()];
  if (platform === 'win32') {
    const env = process.env;
    return [...common, env['SystemRoot'], env['ProgramData'], env['ProgramFiles'], env['ProgramFiles(x86)'], env['USERPROFILE']]
      .filter((d): d is string => typeof d === 'string' && d !== '');
  }
  const unix = ['/etc', '/var', '/var/lib', '/usr', '/usr/local', '/opt', '/home', '/root', '/tmp', '/srv', '/boot'];
  const mac = ['/Library', '/Library/Application Support', '/Users', '/System', '/Applications', '/private', '/private/var'];
  return [...common, ...unix, ...(platform === 'darwin' ? mac : [])];
}

export function packageRemovalHint(platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    return 'Settings > Apps > patchwave agent > Uninstall, or: msiexec /x patchwave-agent-<version>-x64.msi /qn (PURGE=1 also deletes configuration and state)';
  }
  if (platform === 'darwin') return 'sudo /Library/patchwave/bin/uninstall.sh (--purge also deletes configuration and state)';
  return 'apt-get remove patchwave-agent (apt-get purge also deletes configuration and state), or dnf remove patchwave-agent / zypper remove patchwave-agent';
}

function same(a: string, b: string, platform: NodeJS.Platform): boolean {
  const norm = (p: string) => path.resolve(p).replace(/[\\/]+$/, '');
  return platform === 'win32' || platform === 'darwin' ? norm(a).toLowerCase() === norm(b).toLowerCase() : norm(a) === norm(b);
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}

/** Refuses to purge anything that is not plainly an agent state directory. */
async function assertPurgeable(stateDir: string, platform: NodeJS.Platform): Promise<void> {
  if (path.parse(stateDir).root === stateDir || protectedDirs(platform).some((d) => same(d, stateDir, platform))) {
    throw new PatchwaveError('E_VALIDATION', `refusing to delete ${stateDir}: it is a system directory, not an agent state directory`);
  }
  if (!(await exists(stateDir))) return;
  const info = await fs.lstat(stateDir);
  if (!info.isDirectory()) throw new PatchwaveError('E_VALIDATION', `state directory ${stateDir} is not a directory`);
  const entries = await fs.readdir(stateDir);
  const strangers = entries.filter((e) => !STATE_ENTRIES.has(e) && !e.endsWith('.tmp'));
  if (entries.length > 0 && strangers.length === entries.length) {
    throw new PatchwaveError('E_VALIDATION', `refusing to delete ${stateDir}: it holds no agent state (found ${strangers.slice(0, 3).join(', ')})`, {
      details: { stateDir },
    });
  }
}

/**
 * `patchwave-agent uninstall [--purge]`: the agent's own part of an uninstall. Program files and
 * the service belong to the package (deb/rpm/msi/pkg) and are removed by it; without --purge this
 * deletes nothing and says what is kept. With --purge it deletes the configuration file and the
 * state directory, i.e. the device identity: the next install enrolls as a new device. It refuses
 * while an agent is running on that state directory.
 */
export async function uninstall(options: UninstallOptions): Promise<UninstallResult> {
  const platform = options.platform ?? process.platform;
  const stateDir = path.resolve(options.stateDir);
  const configPath = path.resolve(options.configPath);
  const packageRemoval = packageRemovalHint(platform);
  const present = async (paths: string[]) => (await Promise.all(paths.map(async (p) => ((await exists(p)) ? p : undefined)))).filter((p): p is string => p !== undefined);

  if (!options.purge) return { purged: false, removed: [], kept: await present([configPath, stateDir]), packageRemoval };

  await assertPurgeable(stateDir, platform);
  const removed: string[] = [];
  if (await exists(stateDir)) {
    try {
      await acquireStateLock(stateLayout(stateDir).lock);
    } catch (err) {
      if (err instanceof PatchwaveError && err.code === 'E_CONFLICT') {
        throw new PatchwaveError('E_CONFLICT', `${err.message}: stop the agent's service before purging`, { cause: err, details: err.details });
      }
      throw err;
    }
    await fs.rm(stateDir, { recursive: true, force: true });
    removed.push(stateDir);
  }
  for (const file of [configPath, `${configPath}.tmp`]) {
    if (await exists(file)) {
      await fs.rm(file, { force: true });
      if (file === configPath) removed.push(file);
    }
  }
  // /etc/patchwave, %ProgramData%\patchwave, …: removed when nothing else is left in it.
  const configDir = path.dirname(configPath);
  if (path.basename(configDir).toLowerCase() === 'patchwave' && (await exists(configDir)) && (await fs.readdir(configDir)).length === 0) {
    await fs.rmdir(configDir);
    removed.push(configDir);
  }
  return { purged: true, removed, kept: [], packageRemoval };
}
