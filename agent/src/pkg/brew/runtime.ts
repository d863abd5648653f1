import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { PatchwaveError } from '@patchwave/shared';
import type { CommandRunner, CommandSpec } from '../../exec/command-runner.js';
import type { HostDescription } from '../host.js';
import { parsePasswd } from './parse.js';

/**
 * Homebrew refuses to run as root and must run as the user who owns its installation. This module
 * finds brew, its prefix and that user, and builds the environment every brew command gets.
 */

/** Where Homebrew installs itself: Apple silicon, Intel macOS, Linux. */
export const BREW_LOCATIONS = ['/opt/homebrew/bin/brew', '/usr/local/bin/brew', '/home/linuxbrew/.linuxbrew/bin/brew'] as const;

export interface BrewRuntime {
  brew: string;
  prefix: string;
  /** Set when the agent runs as root and must switch to the owner. */
  runAs?: { uid: number; gid: number };
  env: Record<string, string>;
  cwd: string;
}

/** The file system facts the lookup needs; tests give their own. */
export interface BrewProbe {
  /** Owner of the file behind `file` (following symlinks), or undefined when it does not exist. */
  owner(file: string): Promise<{ uid: number; gid: number } | undefined>;
}

export const nodeBrewProbe: BrewProbe = {
  async owner(file) {
    try {
      const s = await stat(await realpath(file));
      return { uid: s.uid, gid: s.gid };
    } catch {
      return undefined; // not installed at this location
    }
  },
};

function passwdLookup(host: HostDescription, uid: number): CommandSpec {
  return host.platform === 'darwin'
    ? { command: 'id', args: ['-P', String(uid)], timeoutMs: 10_000 }
    : { command: 'getent', args: ['passwd', String(uid)], timeoutMs: 10_000 };
}

export async function resolveBrewRuntime(host: HostDescription, exec: CommandRunner, probe: BrewProbe, brewPath?: string): Promise<BrewRuntime> {
  // A configured path comes from the agent's own config: it must look like <prefix>/bin/brew.
  if (brewPath !== undefined && !/^\/(?:[^\0\n/]+\/)*bin\/brew$/.test(brewPath)) {
    throw new PatchwaveError('E_CONFIG_INVALID', `brew path ${JSON.stringify(brewPath.slice(0, 120))} must be an absolute path ending in /bin/brew`);
  }
  let brew: string | undefined;
  let owner: { uid: number; gid: number } | undefined;
  for (const candidate of brewPath ? [brewPath] : BREW_LOCATIONS) {
    owner = await probe.owner(candidate);
    if (owner) {
      brew = candidate;
      break;
    }
  }
  if (!brew || !owner) {
    throw new PatchwaveError('E_COMMAND_NOT_FOUND', `Homebrew not found (looked in ${(brewPath ? [brewPath] : BREW_LOCATIONS).join(', ')})`);
  }
  if (owner.uid === 0) {
    throw new PatchwaveError('E_NOT_SUPPORTED', `${brew} is owned by root; Homebrew refuses to run as root, so patchwave will not run it`);
  }
  if (host.uid !== undefined && host.uid !== 0 && host.uid !== owner.uid) {
    throw new PatchwaveError('E_NOT_SUPPORTED', `${brew} belongs to uid ${owner.uid}; the agent runs as uid ${host.uid} and cannot switch users`);
  }
  const passwd = parsePasswd((await exec.run(passwdLookup(host, owner.uid))).stdout);
  if (!passwd) throw new PatchwaveError('E_NOT_SUPPORTED', `no passwd entry for uid ${owner.uid}, the owner of ${brew}`);
  const prefix = path.posix.dirname(path.posix.dirname(brew));
  return {
    brew,
    prefix,
    ...(host.uid === 0 ? { runAs: { uid: passwd.uid, gid: passwd.gid } } : {}),
    cwd: passwd.home,
    env: {
      HOME: passwd.home,
      USER: passwd.name,
      LOGNAME: passwd.name,
      PATH: `${prefix}/bin:${prefix}/sbin:/usr/bin:/bin:/usr/sbin:/sbin`,
      HOMEBREW_NO_AUTO_UPDATE: '1',
      HOMEBREW_NO_ENV_HINTS: '1',
      HOMEBREW_NO_COLOR: '1',
    },
  };
}
