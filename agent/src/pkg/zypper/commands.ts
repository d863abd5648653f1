import type { CommandSpec } from '../../exec/command-runner.js';
import type { LocalManagerSettings } from '../package-manager.js';
import { assertLocalPath } from '../rpmdb/local-path.js';
import { RPM_QUERY_FORMAT } from '../rpmdb/rpm-query.js';
import { systemPath } from '../rpmdb/system-path.js';
import { ZYPPER_KNOWN_EXITS } from './exit-codes.js';

const QUERY_TIMEOUT = 10 * 60_000;

export interface ZypperCommands {
  version(): CommandSpec;
  rpmQueryAll(): CommandSpec;
  listUpdates(): CommandSpec;
  listPatches(): CommandSpec;
  patchInfo(ids: readonly string[]): CommandSpec;
  /** `--xmlout <args> --dry-run`: resolves and prints the install summary, changes nothing. */
  dryRun(args: readonly string[]): CommandSpec;
  run(args: readonly string[], timeoutMs: number): CommandSpec;
  needsRebooting(): CommandSpec;
}

/** `--root` from the host-local settings, checked. */
export function zypperRoot(settings: LocalManagerSettings['zypper']): string | undefined {
  return settings?.root ? assertLocalPath('zypper.root', settings.root) : undefined;
}

/**
 * Every command line the zypper adapter runs (README.md lists them). `--non-interactive` always;
 * package and patch arguments follow `--`, added by the caller. Verbs that take `--dry-run` get
 * it after the verb's own options (zypper parses options per command).
 */
export function zypperCommands(settings: LocalManagerSettings['zypper'], env: { PATH?: string } = {}): ZypperCommands {
  const root = zypperRoot(settings);
  const global = ['--non-interactive', ...(root ? ['--root', root] : [])];
  const path = { PATH: systemPath(env.PATH) };
  const zypper = (args: readonly string[], okExitCodes: readonly number[] = [0], timeoutMs = QUERY_TIMEOUT): CommandSpec => ({
    command: 'zypper',
    args: [...global, ...args],
    timeoutMs,
    okExitCodes,
    env: path,
  });
  const withDryRun = (args: readonly string[]): string[] => {
    const dash = args.indexOf('--');
    return dash === -1 ? [...args, '--dry-run'] : [...args.slice(0, dash), '--dry-run', ...args.slice(dash)];
  };
  return {
    version: () => ({ command: 'zypper', args: ['--version'], timeoutMs: 60_000 }),
    rpmQueryAll: () => ({ command: 'rpm', args: [...(root ? ['--root', root] : []), '-qa', '--qf', RPM_QUERY_FORMAT], timeoutMs: QUERY_TIMEOUT }),
    listUpdates: () => zypper(['--xmlout', 'list-updates'], [0, 106]),
    listPatches: () => zypper(['--xmlout', 'list-patches', '--all'], [0, 106]),
    patchInfo: (ids) => zypper(['info', '-t', 'patch', '--', ...ids], [0, 104, 106]),
    dryRun: (args) => zypper(['--xmlout', ...withDryRun(args)], ZYPPER_KNOWN_EXITS),
    run: (args, timeoutMs) => zypper(args, ZYPPER_KNOWN_EXITS, timeoutMs),
    needsRebooting: () => zypper(['needs-rebooting'], [0, 1, 2, 102], 60_000),
  };
}
