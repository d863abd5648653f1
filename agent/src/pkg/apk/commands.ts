import type { CommandSpec } from '../../exec/command-runner.js';

/** Every apk command line the adapter runs, in one place (README.md lists them). */
export const APK_TIMEOUTS = { query: 120_000, simulate: 300_000 } as const;

const COMMIT = ['--no-progress'] as const;

export const apkCommands = {
  version: (): CommandSpec => ({ command: 'apk', args: ['--version'], timeoutMs: APK_TIMEOUTS.query }),
  listInstalled: (): CommandSpec => ({ command: 'apk', args: ['list', '--installed'], timeoutMs: APK_TIMEOUTS.query }),
  /** `apk version -l '<'`: installed packages with a newer version in the repositories. */
  listUpgradable: (): CommandSpec => ({ command: 'apk', args: ['version', '-l', '<'], timeoutMs: APK_TIMEOUTS.query }),
  simulateUpgradeAll: (): CommandSpec => ({
    command: 'apk',
    args: ['upgrade', '--simulate', ...COMMIT],
    timeoutMs: APK_TIMEOUTS.simulate,
  }),
  simulateAdd: (names: readonly string[]): CommandSpec => ({
    command: 'apk',
    args: ['add', '--simulate', '-u', ...COMMIT, '--', ...names],
    timeoutMs: APK_TIMEOUTS.simulate,
  }),
  upgradeAll: (timeoutMs: number): CommandSpec => ({ command: 'apk', args: ['upgrade', ...COMMIT], timeoutMs }),
  add: (names: readonly string[], timeoutMs: number): CommandSpec => ({
    command: 'apk',
    args: ['add', '-u', ...COMMIT, '--', ...names],
    timeoutMs,
  }),
  unameRelease: (): CommandSpec => ({ command: 'uname', args: ['-r'], timeoutMs: 10_000 }),
};
