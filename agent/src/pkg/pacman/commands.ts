import type { CommandSpec } from '../../exec/command-runner.js';
import type { LocalManagerSettings } from '../package-manager.js';
import { assertLocalPath } from '../rpmdb/local-path.js';
import { systemPath } from '../rpmdb/system-path.js';
import { PRINT_FORMAT } from './parse-updates.js';

const QUERY_TIMEOUT = 10 * 60_000;

export interface PacmanCommands {
  version(): CommandSpec;
  query(): CommandSpec;
  /** `pacman -Qu`: exit 1 when nothing is outdated. */
  queryUpgrades(): CommandSpec;
  /** `checkupdates` (pacman-contrib): syncs into a temporary database, exit 2 when nothing. */
  checkupdates(): CommandSpec;
  /** `pacman -Sup --print-format`: what `-Su` would install, from the current sync databases. */
  printUpgrade(): CommandSpec;
  /** `pacman -Si -- <names>`: conflicts and replaces of the packages an upgrade would install. */
  syncInfo(names: readonly string[]): CommandSpec;
  upgrade(timeoutMs: number): CommandSpec;
  installFiles(files: readonly string[], timeoutMs: number): CommandSpec;
  remove(names: readonly string[], timeoutMs: number): CommandSpec;
  cacheDirs(): CommandSpec;
  uname(): CommandSpec;
  owner(path: string): CommandSpec;
}

/** `--config`, `--root`, `--dbpath` from the host-local settings, checked. */
export function pacmanGlobalArgs(settings: LocalManagerSettings['pacman']): string[] {
  const args: string[] = [];
  if (settings?.configFile) args.push('--config', assertLocalPath('pacman.configFile', settings.configFile));
  if (settings?.root) args.push('--root', assertLocalPath('pacman.root', settings.root));
  if (settings?.dbPath) args.push('--dbpath', assertLocalPath('pacman.dbPath', settings.dbPath));
  return args;
}

/** Every command line the pacman adapter runs (README.md lists them). Package arguments follow `--`. */
export function pacmanCommands(settings: LocalManagerSettings['pacman'], env: { PATH?: string } = {}): PacmanCommands {
  const g = pacmanGlobalArgs(settings);
  const path = { PATH: systemPath(env.PATH) };
  const pacman = (args: readonly string[], okExitCodes: readonly number[] = [0], timeoutMs = QUERY_TIMEOUT): CommandSpec => ({
    command: 'pacman',
    args: [...g, '--color', 'never', ...args],
    timeoutMs,
    okExitCodes,
    env: path,
  });
  const confArgs = settings?.configFile ? ['--config', assertLocalPath('pacman.configFile', settings.configFile)] : [];
  return {
    version: () => ({ command: 'pacman', args: ['--version'], timeoutMs: 60_000 }),
    query: () => pacman(['-Qi']),
    queryUpgrades: () => pacman(['-Qu'], [0, 1]),
    checkupdates: () => ({ command: 'checkupdates', args: [], timeoutMs: QUERY_TIMEOUT, okExitCodes: [0, 2], env: path }),
    printUpgrade: () => pacman(['-Sup', '--print-format', PRINT_FORMAT]),
    syncInfo: (names) => pacman(['-Si', '--', ...names]),
    upgrade: (timeoutMs) => pacman(['-Syu', '--noconfirm', '--noprogressbar'], [0, 1], timeoutMs),
    installFiles: (files, timeoutMs) => pacman(['-U', '--noconfirm', '--noprogressbar', '--', ...files], [0, 1], timeoutMs),
    remove: (names, timeoutMs) => pacman(['-R', '--noconfirm', '--noprogressbar', '--', ...names], [0, 1], timeoutMs),
    cacheDirs: () => ({ command: 'pacman-conf', args: [...confArgs, 'CacheDir'], timeoutMs: 60_000 }),
    uname: () => ({ command: 'uname', args: ['-r'], timeoutMs: 10_000 }),
    owner: (p) => pacman(['-Qo', '--', p], [0, 1], 60_000),
  };
}
