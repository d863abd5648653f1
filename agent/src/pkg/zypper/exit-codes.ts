import type { ErrorCode } from '@patchwave/shared';

/** zypper(8) EXIT CODES (src/main.h), checked against the zypper 1.14.42 man page. */
export const ZYPPER_EXIT = {
  OK: 0,
  ERR_BUG: 1,
  ERR_SYNTAX: 2,
  ERR_INVALID_ARGS: 3,
  ERR_ZYPP: 4,
  ERR_PRIVILEGES: 5,
  NO_REPOS: 6,
  ZYPP_LOCKED: 7,
  ERR_COMMIT: 8,
  INF_UPDATE_NEEDED: 100,
  INF_SEC_UPDATE_NEEDED: 101,
  INF_REBOOT_NEEDED: 102,
  INF_RESTART_NEEDED: 103,
  INF_CAP_NOT_FOUND: 104,
  ON_SIGNAL: 105,
  INF_REPOS_SKIPPED: 106,
  INF_RPM_SCRIPT_FAILED: 107,
} as const;

/** Every documented code: the adapter reads them all instead of treating non-zero as one failure. */
export const ZYPPER_KNOWN_EXITS: readonly number[] = Object.values(ZYPPER_EXIT);

export interface ExitMeaning {
  /** The run did what it was asked (possibly with something to note). */
  ok: boolean;
  code?: ErrorCode;
  rebootRequired?: boolean;
  /** zypper updated itself (a patch with pkgmanager="true"): the same command must run again. */
  runAgain?: boolean;
  note: string;
}

/** What one zypper exit code means for an installing run. */
export function exitMeaning(exit: number): ExitMeaning {
  switch (exit) {
    case ZYPPER_EXIT.OK:
      return { ok: true, note: 'ok' };
    case ZYPPER_EXIT.INF_REBOOT_NEEDED:
      return { ok: true, rebootRequired: true, note: 'installed; a patch asks for a reboot (102)' };
    case ZYPPER_EXIT.INF_RESTART_NEEDED:
      return { ok: true, runAgain: true, note: 'zypper updated itself; the command must run again (103)' };
    case ZYPPER_EXIT.INF_REPOS_SKIPPED:
      return { ok: true, note: 'some repositories failed to refresh and were skipped (106)' };
    case ZYPPER_EXIT.INF_RPM_SCRIPT_FAILED:
      return { ok: false, code: 'E_PKG_SCRIPT_FAILED', note: 'installed, but an rpm scriptlet failed (107)' };
    case ZYPPER_EXIT.INF_CAP_NOT_FOUND:
      return { ok: false, code: 'E_PKG_NOT_FOUND', note: 'a requested package or patch was not found (104)' };
    case ZYPPER_EXIT.ZYPP_LOCKED:
      return { ok: false, code: 'E_PKG_LOCKED', note: 'the package system is locked by another process (7)' };
    case ZYPPER_EXIT.ERR_ZYPP:
      return { ok: false, code: 'E_PKG_CONFLICT', note: 'libzypp reported a problem, e.g. unresolvable dependencies (4)' };
    case ZYPPER_EXIT.ERR_COMMIT:
      return { ok: false, code: 'E_PKG_FAILED', note: 'installing or removing packages failed (8)' };
    case ZYPPER_EXIT.ON_SIGNAL:
      return { ok: false, code: 'E_PKG_FAILED', note: 'zypper was interrupted by a signal (105)' };
    default:
      return { ok: false, code: 'E_PKG_FAILED', note: `zypper exited with ${exit}` };
  }
}
