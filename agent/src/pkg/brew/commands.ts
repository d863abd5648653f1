import type { CommandSpec } from '../../exec/command-runner.js';
import type { BrewRuntime } from './runtime.js';

/** Every brew command line the adapter runs, in one place (README.md lists them). */
export const BREW_TIMEOUTS = { query: 300_000 } as const;

export function brewCommands(rt: BrewRuntime) {
  const spec = (args: string[], timeoutMs: number): CommandSpec => ({
    command: rt.brew,
    args,
    timeoutMs,
    env: rt.env,
    cwd: rt.cwd,
    ...(rt.runAs ? { runAs: rt.runAs } : {}),
  });
  return {
    version: () => spec(['--version'], 60_000),
    listFormulae: () => spec(['list', '--formula', '--versions'], BREW_TIMEOUTS.query),
    listCasks: () => spec(['list', '--cask', '--versions'], BREW_TIMEOUTS.query),
    /** Formulae and casks with a newer version, pinned or not (exit 0 when no names are given). */
    outdated: () => spec(['outdated', '--json=v2'], BREW_TIMEOUTS.query),
    upgradeFormulae: (names: readonly string[], timeoutMs: number) => spec(['upgrade', '--formula', '--', ...names], timeoutMs),
    upgradeCasks: (tokens: readonly string[], timeoutMs: number) => spec(['upgrade', '--cask', '--', ...tokens], timeoutMs),
  };
}

export type BrewCommands = ReturnType<typeof brewCommands>;
