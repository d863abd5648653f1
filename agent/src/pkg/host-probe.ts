import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseOsRelease, type HostDescription } from './host.js';

/** Executables any adapter's detection looks for. */
export const KNOWN_EXECUTABLES = [
  'apt-get',
  'dpkg',
  'dpkg-query',
  'needrestart',
  'dnf',
  'dnf5',
  'yum',
  'rpm',
  'needs-restarting',
  'zypper',
  'pacman',
  'checkupdates',
  'apk',
  'brew',
  'softwareupdate',
  'winget',
  'choco',
  'powershell',
  'pwsh',
] as const;

/** Places outside PATH where a tool lives even when the service's PATH does not include it. */
function wellKnownDirs(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') return ['/opt/homebrew/bin', '/usr/local/bin', '/usr/sbin', '/usr/bin'];
  if (platform === 'win32') {
    const dirs = [
      path.win32.join(env['ProgramData'] ?? 'C:\\ProgramData', 'chocolatey', 'bin'),
      path.win32.join(env['SystemRoot'] ?? 'C:\\Windows', 'System32', 'WindowsPowerShell', 'v1.0'),
    ];
    if (env['LOCALAPPDATA']) dirs.push(path.win32.join(env['LOCALAPPDATA'], 'Microsoft', 'WindowsApps'));
    return dirs;
  }
  return ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
}

async function isExecutable(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    if (platform === 'win32') return true;
    await fs.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ProbeOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Root for /etc/os-release (tests point it at a directory of their own). */
  root?: string;
  /** Directories searched besides PATH; the OS's well-known tool locations by default. */
  extraDirs?: readonly string[];
}

/** Looks up which of `names` exist as executables on PATH or in well-known directories. */
export async function findExecutables(names: readonly string[], options: ProbeOptions = {}): Promise<Set<string>> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const sep = platform === 'win32' ? ';' : ':';
  const extra = options.extraDirs ?? wellKnownDirs(platform, env);
  const dirs = [...new Set([...(env['PATH'] ?? env['Path'] ?? '').split(sep).filter(Boolean), ...extra])];
  const exts = platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  const found = new Set<string>();
  await Promise.all(
    names.map(async (name) => {
      for (const dir of dirs) {
        for (const ext of exts) {
          if (await isExecutable(path.join(dir, `${name}${ext.toLowerCase()}`), platform)) {
            found.add(name);
            return;
          }
        }
      }
    }),
  );
  return found;
}

/** Reads /etc/os-release, falling back to /usr/lib/os-release (os-release(5)); empty off Linux. */
export async function readOsRelease(root = '/'): Promise<Record<string, string>> {
  for (const file of ['etc/os-release', 'usr/lib/os-release']) {
    try {
      return parseOsRelease(await fs.readFile(path.join(root, file), 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return {};
}

function platformOf(p: NodeJS.Platform): HostDescription['platform'] {
  return p === 'linux' || p === 'darwin' || p === 'win32' ? p : 'other';
}

/** Describes the real host once; every adapter's `detect` then runs as a pure function over it. */
export async function probeHost(options: ProbeOptions = {}): Promise<HostDescription> {
  const platform = options.platform ?? process.platform;
  const host: HostDescription = {
    platform: platformOf(platform),
    arch: os.arch(),
    osRelease: platform === 'linux' ? await readOsRelease(options.root) : {},
    executables: await findExecutables(KNOWN_EXECUTABLES, options),
  };
  const uid = process.getuid?.();
  if (uid !== undefined) host.uid = uid;
  return host;
}
