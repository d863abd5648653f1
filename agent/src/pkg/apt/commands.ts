import { PatchwaveError } from '@patchwave/shared';
import type { CommandSpec } from '../../exec/command-runner.js';
import { DPKG_QUERY_FORMAT } from './parse-dpkg-query.js';

/** apt-get exits 100 for every error; 0 otherwise. */
export const APT_ERROR_EXIT = 100;

const OPTION = /^[A-Za-z0-9][A-Za-z0-9:_.-]*=[^\r\n\0]*$/;

/** Turns host-local `Key=Value` settings into `-o Key=Value` pairs, refusing anything else. */
export function aptOptionArgs(options: readonly string[] | undefined): string[] {
  const args: string[] = [];
  for (const option of options ?? []) {
    if (!OPTION.test(option)) {
      throw new PatchwaveError('E_CONFIG_INVALID', `apt option ${JSON.stringify(option.slice(0, 80))} must look like Key::Sub=value`);
    }
    args.push('-o', option);
  }
  return args;
}

/** dpkg needs the sbin directories (ldconfig, start-stop-daemon) even when the agent was started without them. */
export function dpkgPath(current: string | undefined): string {
  const parts = (current ?? '').split(':').filter(Boolean);
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!parts.includes(dir)) parts.push(dir);
  }
  return parts.join(':');
}

/** The fixed options of every installing apt-get run: no prompts, keep local config files, status on fd 3. */
export const INSTALL_OPTIONS = [
  '-o',
  'Dpkg::Options::=--force-confdef',
  '-o',
  'Dpkg::Options::=--force-confold',
  '-o',
  'Dpkg::Use-Pty=0',
  '-o',
  'APT::Status-Fd=3',
] as const;

export interface AptCommands {
  dpkgQuery(names?: readonly string[]): CommandSpec;
  simulateDistUpgrade(): CommandSpec;
  simulateInstall(targets: readonly string[]): CommandSpec;
  apply(targets: readonly string[], timeoutMs: number): CommandSpec;
  rollback(targets: readonly string[], timeoutMs: number): CommandSpec;
  audit(): CommandSpec;
  version(): CommandSpec;
  nativeArch(): CommandSpec;
  needrestart(): CommandSpec;
  mark(action: 'hold' | 'unhold', names: readonly string[]): CommandSpec;
  showHold(): CommandSpec;
}

/**
 * Every command line the apt adapter runs, in one place (README.md lists them). Package targets
 * always come after `--`; `extra` are the host-local `-o` settings.
 */
export function aptCommands(extra: readonly string[], env: { PATH?: string } = {}): AptCommands {
  const applyEnv = {
    DEBIAN_FRONTEND: 'noninteractive',
    // apt-listchanges would otherwise wait for a pager or send mail in the middle of an unattended run.
    APT_LISTCHANGES_FRONTEND: 'none',
    PATH: dpkgPath(env.PATH),
  };
  return {
    dpkgQuery: (names = []) => ({
      command: 'dpkg-query',
      args: ['-W', `-f=${DPKG_QUERY_FORMAT}`, ...(names.length ? ['--', ...names] : [])],
      timeoutMs: 120_000,
      // dpkg-query exits 1 when a named package is unknown; the output still lists the others.
      okExitCodes: names.length ? [0, 1] : [0],
    }),
    simulateDistUpgrade: () => ({ command: 'apt-get', args: ['-s', ...extra, 'dist-upgrade'], timeoutMs: 300_000 }),
    simulateInstall: (targets) => ({
      command: 'apt-get',
      args: ['-s', ...extra, 'install', '--only-upgrade', '--', ...targets],
      timeoutMs: 300_000,
      okExitCodes: [0, APT_ERROR_EXIT],
    }),
    apply: (targets, timeoutMs) => ({
      command: 'apt-get',
      args: ['install', '-y', '-q', '--only-upgrade', ...INSTALL_OPTIONS, ...extra, '--', ...targets],
      env: applyEnv,
      statusFd: true,
      timeoutMs,
      okExitCodes: [0, APT_ERROR_EXIT],
    }),
    rollback: (targets, timeoutMs) => ({
      command: 'apt-get',
      args: ['install', '-y', '-q', '--allow-downgrades', ...INSTALL_OPTIONS, ...extra, '--', ...targets],
      env: applyEnv,
      statusFd: true,
      timeoutMs,
      okExitCodes: [0, APT_ERROR_EXIT],
    }),
    audit: () => ({ command: 'dpkg', args: ['--audit'], timeoutMs: 60_000, okExitCodes: [0, 1] }),
    version: () => ({ command: 'apt-get', args: ['--version'], timeoutMs: 30_000 }),
    nativeArch: () => ({ command: 'dpkg', args: ['--print-architecture'], timeoutMs: 30_000 }),
    needrestart: () => ({ command: 'needrestart', args: ['-b'], timeoutMs: 120_000 }),
    mark: (action, names) => ({ command: 'apt-mark', args: [...extra, action, '--', ...names], timeoutMs: 120_000 }),
    showHold: () => ({ command: 'apt-mark', args: [...extra, 'showhold'], timeoutMs: 60_000 }),
  };
}
