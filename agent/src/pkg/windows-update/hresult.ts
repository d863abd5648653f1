import type { ErrorCode } from '@patchwave/shared';

/*
 * HRESULTs from the Windows Update Agent (wuerror.h) and exit codes of wusa.exe, mapped to
 * patchwave's stable codes. HResults arrive as signed 32-bit ints from PowerShell; both spellings
 * are accepted.
 */

export function hresultHex(code: number): string {
  return `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

const KNOWN = new Map<number, { symbol: string; code: ErrorCode }>([
  [0x80240009, { symbol: 'WU_E_OPERATIONINPROGRESS', code: 'E_PKG_LOCKED' }],
  [0x80240016, { symbol: 'WU_E_INSTALL_NOT_ALLOWED', code: 'E_PKG_LOCKED' }],
  [0x8024001b, { symbol: 'WU_E_SELFUPDATE_IN_PROGRESS', code: 'E_PKG_RETRY' }],
  [0x8024001e, { symbol: 'WU_E_SERVICE_STOP', code: 'E_PKG_RETRY' }],
  [0x8024001f, { symbol: 'WU_E_NO_CONNECTION', code: 'E_PKG_DOWNLOAD_FAILED' }],
  [0x80240021, { symbol: 'WU_E_TIME_OUT', code: 'E_PKG_TIMEOUT' }],
  [0x80240022, { symbol: 'WU_E_ALL_UPDATES_FAILED', code: 'E_PKG_FAILED' }],
  [0x80240017, { symbol: 'WU_E_NOT_APPLICABLE', code: 'E_PKG_NO_UPDATE' }],
  [0x80240024, { symbol: 'WU_E_NO_UPDATE', code: 'E_PKG_NO_UPDATE' }],
  [0x8024000b, { symbol: 'WU_E_CALL_CANCELLED', code: 'E_PKG_FAILED' }],
  [0x80240025, { symbol: 'WU_E_USER_ACCESS_DISABLED', code: 'E_PKG_FAILED' }],
  [0x8024002e, { symbol: 'WU_E_WU_DISABLED', code: 'E_PKG_FAILED' }],
  [0x8024002f, { symbol: 'WU_E_CALL_CANCELLED_BY_POLICY', code: 'E_PKG_FAILED' }],
  [0x80240028, { symbol: 'WU_E_UNINSTALL_NOT_ALLOWED', code: 'E_ROLLBACK_UNSUPPORTED' }],
  [0x80240044, { symbol: 'WU_E_PER_MACHINE_UPDATE_ACCESS_DENIED', code: 'E_PKG_FAILED' }],
  [0x80070005, { symbol: 'E_ACCESSDENIED', code: 'E_PKG_FAILED' }],
  [0x80070bc9, { symbol: 'ERROR_FAIL_REBOOT_REQUIRED', code: 'E_PKG_RETRY' }],
  [0x800f0825, { symbol: 'CBS_E_CANNOT_UNINSTALL', code: 'E_ROLLBACK_UNSUPPORTED' }],
]);

/** A stable code and a readable label (`0x80240016 WU_E_INSTALL_NOT_ALLOWED`) for a WUA HResult. */
export function classifyHResult(hresult: number): { code: ErrorCode; label: string } {
  const u = hresult >>> 0;
  const known = KNOWN.get(u);
  if (known) return { code: known.code, label: `${hresultHex(u)} ${known.symbol}` };
  // WU_E_PT_* (0x80244xxx): talking to the update server; WU_E_DM_* (0x80246xxx): downloading.
  if (u >>> 12 === 0x80244 || u >>> 12 === 0x80246) return { code: 'E_PKG_DOWNLOAD_FAILED', label: hresultHex(u) };
  return { code: 'E_PKG_FAILED', label: hresultHex(u) };
}

/** OperationResultCode (IInstallationResult.ResultCode). */
export const RESULT = { notStarted: 0, inProgress: 1, succeeded: 2, succeededWithErrors: 3, failed: 4, aborted: 5 } as const;

export interface WusaVerdict {
  ok: boolean;
  rebootRequired: boolean;
  code?: ErrorCode;
  message: string;
}

/** `wusa.exe /uninstall /kb:N /quiet /norestart` exit codes. */
export function wusaVerdict(exitCode: number): WusaVerdict {
  const u = exitCode >>> 0;
  if (u === 0) return { ok: true, rebootRequired: false, message: 'uninstalled' };
  if (u === 3010) return { ok: true, rebootRequired: true, message: 'uninstalled; a restart completes it (3010)' };
  if (u === 0x00240006 || u === 0x00240007) return { ok: true, rebootRequired: false, message: `not installed (${hresultHex(u)} WU_S_ALREADY_UNINSTALLED)` };
  if (u === 1618) return { ok: false, rebootRequired: false, code: 'E_PKG_LOCKED', message: 'another installation is in progress (1618 ERROR_INSTALL_ALREADY_RUNNING)' };
  if (u === 87) return { ok: false, rebootRequired: false, code: 'E_PKG_FAILED', message: 'wusa rejected its arguments (87 ERROR_INVALID_PARAMETER)' };
  const { code, label } = classifyHResult(u);
  return { ok: false, rebootRequired: false, code, message: `wusa exited with ${label}` };
}
