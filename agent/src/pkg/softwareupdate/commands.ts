import type { CommandSpec } from '../../exec/command-runner.js';

/** Every command line the adapter runs, in one place (README.md lists them). */
export const SOFTWAREUPDATE_TIMEOUTS = { list: 900_000, inventory: 300_000 } as const;

export const softwareUpdateCommands = {
  productVersion: (): CommandSpec => ({ command: 'sw_vers', args: ['-productVersion'], timeoutMs: 10_000 }),
  swVers: (): CommandSpec => ({ command: 'sw_vers', args: [], timeoutMs: 10_000 }),
  /** Every application bundle: name, version, path, architecture, where it came from. */
  applications: (): CommandSpec => ({ command: 'system_profiler', args: ['-json', 'SPApplicationsDataType'], timeoutMs: SOFTWAREUPDATE_TIMEOUTS.inventory }),
  /** Scans Apple's catalog; "No new software available." arrives on stderr with exit 0. */
  list: (): CommandSpec => ({ command: 'softwareupdate', args: ['--list'], timeoutMs: SOFTWAREUPDATE_TIMEOUTS.list }),
  /**
   * Each label is one argument, byte for byte (a trailing space is part of the label). No `--`:
   * softwareupdate does not document it, and a label can never start with `-` (names.ts).
   */
  install: (labels: readonly string[], timeoutMs: number): CommandSpec => ({ command: 'softwareupdate', args: ['--install', ...labels], timeoutMs }),
};
