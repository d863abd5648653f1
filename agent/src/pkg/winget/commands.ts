import type { CommandSpec } from '../../exec/command-runner.js';
import { bothForms, NO_PACKAGES, NO_UPDATE } from './exit-codes.js';

/** Every winget command line the adapter runs, in one place (README.md lists them). */
export const WINGET_TIMEOUTS = { query: 300_000 } as const;

/** Accept source agreements, never prompt (winget ≥ 1.4). */
const QUERY = ['--accept-source-agreements', '--disable-interactivity'] as const;
const INSTALL = ['--silent', '--accept-source-agreements', '--accept-package-agreements', '--disable-interactivity'] as const;

export interface UpgradeArgs {
  id: string;
  version: string;
  source?: string;
  /** The installed version is `Unknown`: winget skips such packages unless told otherwise. */
  includeUnknown?: boolean;
}

export function wingetCommands(command: string) {
  return {
    version: (): CommandSpec => ({ command, args: ['--version'], timeoutMs: 60_000 }),
    list: (): CommandSpec => ({ command, args: ['list', ...QUERY], timeoutMs: WINGET_TIMEOUTS.query, okExitCodes: [0, ...bothForms(NO_PACKAGES)] }),
    /** One installed package, to read back its version after a change. */
    listOne: (id: string): CommandSpec => ({
      command,
      args: ['list', '--id', id, '--exact', ...QUERY],
      timeoutMs: WINGET_TIMEOUTS.query,
      okExitCodes: [0, ...bothForms(NO_PACKAGES)],
    }),
    upgrades: (): CommandSpec => ({
      command,
      args: ['upgrade', '--include-unknown', ...QUERY],
      timeoutMs: WINGET_TIMEOUTS.query,
      okExitCodes: [0, ...bothForms(NO_PACKAGES, NO_UPDATE)],
    }),
    upgrade: (a: UpgradeArgs, timeoutMs: number): CommandSpec => ({
      command,
      args: [
        'upgrade',
        '--id',
        a.id,
        '--exact',
        ...INSTALL,
        '--version',
        a.version,
        ...(a.source ? ['--source', a.source] : []),
        ...(a.includeUnknown ? ['--include-unknown'] : []),
      ],
      timeoutMs,
    }),
    /** Rollback: reinstall the old version over the new one. */
    installVersion: (id: string, version: string, timeoutMs: number): CommandSpec => ({
      command,
      args: ['install', '--id', id, '--exact', '--version', version, '--force', ...INSTALL],
      timeoutMs,
    }),
    uninstall: (id: string, timeoutMs: number): CommandSpec => ({
      command,
      args: ['uninstall', '--id', id, '--exact', '--silent', ...QUERY],
      timeoutMs,
    }),
  };
}

export type WingetCommands = ReturnType<typeof wingetCommands>;
