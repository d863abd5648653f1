import type { CommandSpec } from '../../exec/command-runner.js';

/** Every command line the adapter runs, in one place (README.md lists them). */
export const WU_TIMEOUTS = { query: 120_000, installed: 300_000, search: 1_800_000 } as const;

export type WuaAction = 'Version' | 'Search' | 'Install' | 'InstalledUpdates' | 'Installed' | 'Reboot';

export interface WuPaths {
  /** Windows PowerShell 5.1: %SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe. */
  powershell: string;
  /** %SystemRoot%\System32\wusa.exe. */
  wusa: string;
}

/** Where Windows keeps them (absolute, so PATH cannot substitute another program). */
export function windowsPaths(systemRoot: string | undefined): WuPaths {
  if (!systemRoot) return { powershell: 'powershell.exe', wusa: 'wusa.exe' };
  return { powershell: `${systemRoot}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`, wusa: `${systemRoot}\\System32\\wusa.exe` };
}

/**
 * The script runs from a file (never `-Command`): its parameters are bound as plain strings, and
 * every id in them has been validated (names.ts) and is validated again by the script.
 */
export function wuaCommand(paths: WuPaths, script: string, action: WuaAction, args: { updateIds?: readonly string[]; kbIds?: readonly string[] }, timeoutMs: number): CommandSpec {
  return {
    command: paths.powershell,
    args: [
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-File',
      script,
      '-Action',
      action,
      ...(args.updateIds?.length ? ['-UpdateIds', args.updateIds.join(',')] : []),
      ...(args.kbIds?.length ? ['-KbIds', args.kbIds.join(',')] : []),
    ],
    timeoutMs,
    // 0: the JSON is the result; 1: the JSON carries the script's Error object.
    okExitCodes: [0, 1],
  };
}

/** Rollback of one update: `wusa /uninstall /kb:N /quiet /norestart` (the restart is the operator's). */
export function wusaUninstall(paths: WuPaths, kb: string, timeoutMs: number): CommandSpec {
  return { command: paths.wusa, args: ['/uninstall', `/kb:${kb}`, '/quiet', '/norestart'], timeoutMs };
}
