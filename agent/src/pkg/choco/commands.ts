import type { CommandSpec } from '../../exec/command-runner.js';

/** Every choco command line the adapter runs, in one place (README.md lists them). */
export const CHOCO_TIMEOUTS = { query: 300_000 } as const;

/** Limited output, no progress bars, no prompts. choco has no `--`: ids are validated instead. */
const QUIET = ['-y', '-r', '--no-progress'] as const;

export const chocoCommands = {
  version: (): CommandSpec => ({ command: 'choco', args: ['--version'], timeoutMs: 60_000 }),
  /** v2 lists local packages; v1 needs --local-only or it queries the remote source. Enhanced exit code 2 = no results. */
  list: (major: number): CommandSpec => ({
    command: 'choco',
    args: major >= 2 ? ['list', '-r'] : ['list', '--local-only', '-r'],
    timeoutMs: CHOCO_TIMEOUTS.query,
    okExitCodes: [0, 2],
  }),
  /** Enhanced exit code 2 = outdated packages found. */
  outdated: (): CommandSpec => ({
    command: 'choco',
    args: ['outdated', '-r', '--ignore-pinned'],
    timeoutMs: CHOCO_TIMEOUTS.query,
    okExitCodes: [0, 2],
  }),
  /** One package per run so each gets its own exit code; never installs a package that is absent. */
  upgrade: (id: string, version: string | null, timeoutMs: number): CommandSpec => ({
    command: 'choco',
    args: ['upgrade', id, ...QUIET, '--fail-on-not-installed', ...(version ? ['--version', version] : [])],
    timeoutMs,
  }),
  /** Rollback to an older version: `--allow-downgrade`, and it may reinstall a removed package. */
  downgrade: (id: string, version: string, timeoutMs: number): CommandSpec => ({
    command: 'choco',
    args: ['upgrade', id, ...QUIET, '--version', version, '--allow-downgrade'],
    timeoutMs,
  }),
  uninstall: (id: string, timeoutMs: number): CommandSpec => ({
    command: 'choco',
    args: ['uninstall', id, ...QUIET],
    timeoutMs,
  }),
};
