import type { ErrorCode } from '@patchwave/shared';

/*
 * winget's exit codes are HRESULTs from AppInstallerErrors.h (documented in winget's
 * doc/windows/package-manager/winget/returnCodes.md). Windows hands them to a parent as a DWORD
 * (2316632107) or, through some layers (PowerShell's $LASTEXITCODE, .NET), as a signed int
 * (-1978335189): both are accepted.
 */

/** The exit code as an unsigned 32-bit number, whichever way it arrived. */
export function unsignedExitCode(code: number): number {
  return code >>> 0;
}

export function hex(code: number): string {
  return `0x${unsignedExitCode(code).toString(16).toUpperCase().padStart(8, '0')}`;
}

interface Known {
  symbol: string;
  /** null: the package was upgraded. */
  code: ErrorCode | null;
  reboot?: boolean;
  text: string;
}

const KNOWN = new Map<number, Known>([
  [0x8a150109, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_REBOOT_REQUIRED_TO_FINISH', code: null, reboot: true, text: 'Restart your PC to finish installation.' }],
  [0x8a15010b, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_REBOOT_INITIATED', code: null, reboot: true, text: 'Your PC will restart to finish installation.' }],
  [0x8a15010a, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_REBOOT_REQUIRED_TO_INSTALL', code: 'E_PKG_RETRY', reboot: true, text: 'Installation failed. Restart your PC then try again.' }],
  [0x8a15002b, { symbol: 'APPINSTALLER_CLI_ERROR_UPDATE_NOT_APPLICABLE', code: 'E_PKG_NO_UPDATE', text: 'No applicable update found' }],
  [0x8a15004f, { symbol: 'APPINSTALLER_CLI_ERROR_UPGRADE_VERSION_NOT_NEWER', code: 'E_PKG_NO_UPDATE', text: 'The upgrade version is not newer than the installed version' }],
  [0x8a150014, { symbol: 'APPINSTALLER_CLI_ERROR_NO_APPLICATIONS_FOUND', code: 'E_PKG_NOT_FOUND', text: 'No packages found' }],
  [0x8a150017, { symbol: 'APPINSTALLER_CLI_ERROR_NO_MANIFEST_FOUND', code: 'E_PKG_NOT_FOUND', text: 'No manifest found matching the criteria' }],
  [0x8a150016, { symbol: 'APPINSTALLER_CLI_ERROR_MULTIPLE_APPLICATIONS_FOUND', code: 'E_PKG_CONFLICT', text: 'Multiple packages found matching the criteria' }],
  [0x8a150068, { symbol: 'APPINSTALLER_CLI_ERROR_PACKAGE_IS_PINNED', code: 'E_PKG_CONFLICT', text: 'The package has a pin that prevents upgrade.' }],
  [0x8a15010d, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_ALREADY_INSTALLED', code: 'E_PKG_CONFLICT', text: 'Another version of this application is already installed.' }],
  [0x8a15010e, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_DOWNGRADE', code: 'E_PKG_CONFLICT', text: 'A higher version of this application is already installed.' }],
  [0x8a150102, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_INSTALL_IN_PROGRESS', code: 'E_PKG_LOCKED', text: 'Another installation is already in progress. Try again later.' }],
  [0x8a150101, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_PACKAGE_IN_USE', code: 'E_PKG_RETRY', text: 'Application is currently running. Exit the application then try again.' }],
  [0x8a150103, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_FILE_IN_USE', code: 'E_PKG_RETRY', text: 'One or more file is being used. Exit the application then try again.' }],
  [0x8a150111, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_PACKAGE_IN_USE_BY_APPLICATION', code: 'E_PKG_RETRY', text: 'Application is currently in use by another application.' }],
  [0x8a15006d, { symbol: 'APPINSTALLER_CLI_ERROR_SERVICE_UNAVAILABLE', code: 'E_PKG_RETRY', text: 'A required service is busy or unavailable. Try again later.' }],
  [0x8a150008, { symbol: 'APPINSTALLER_CLI_ERROR_DOWNLOAD_FAILED', code: 'E_PKG_DOWNLOAD_FAILED', text: 'Downloading installer failed' }],
  [0x8a15002e, { symbol: 'APPINSTALLER_CLI_ERROR_DOWNLOAD_SIZE_MISMATCH', code: 'E_PKG_DOWNLOAD_FAILED', text: 'Download size does not match expected content length' }],
  [0x8a150086, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALLER_ZERO_BYTE_FILE', code: 'E_PKG_DOWNLOAD_FAILED', text: 'Downloaded zero byte installer' }],
  [0x8a150107, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_NO_NETWORK', code: 'E_PKG_DOWNLOAD_FAILED', text: 'This application requires internet connectivity.' }],
  [0x8a150011, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALLER_HASH_MISMATCH', code: 'E_PKG_FAILED', text: "The installer file's hash does not match the manifest" }],
  [0x8a15002d, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALLER_SECURITY_CHECK_FAILED', code: 'E_PKG_FAILED', text: 'Installer failed security check' }],
  [0x8a150010, { symbol: 'APPINSTALLER_CLI_ERROR_NO_APPLICABLE_INSTALLER', code: 'E_PKG_FAILED', text: 'None of the installers are applicable for the current system' }],
  [0x8a150050, { symbol: 'APPINSTALLER_CLI_ERROR_UPGRADE_VERSION_UNKNOWN', code: 'E_PKG_FAILED', text: 'Upgrade version is unknown and override is not specified' }],
  [0x8a150105, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_DISK_FULL', code: 'E_PKG_FAILED', text: "There's no more space on your PC." }],
  [0x8a150104, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_MISSING_DEPENDENCY', code: 'E_PKG_FAILED', text: 'This package has a dependency missing from your system.' }],
  [0x8a150110, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_DEPENDENCIES', code: 'E_PKG_FAILED', text: 'Failed to install package dependencies.' }],
  [0x8a15010f, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_BLOCKED_BY_POLICY', code: 'E_PKG_FAILED', text: 'Organization policies are preventing installation.' }],
  [0x8a15003a, { symbol: 'APPINSTALLER_CLI_ERROR_BLOCKED_BY_POLICY', code: 'E_PKG_FAILED', text: 'Operation is blocked by Group Policy' }],
  [0x8a150041, { symbol: 'APPINSTALLER_CLI_ERROR_PACKAGE_AGREEMENTS_NOT_ACCEPTED', code: 'E_PKG_FAILED', text: 'Package agreements were not agreed to' }],
  [0x8a150046, { symbol: 'APPINSTALLER_CLI_ERROR_SOURCE_AGREEMENTS_NOT_ACCEPTED', code: 'E_PKG_FAILED', text: 'Source agreements were not agreed to' }],
  [0x8a150019, { symbol: 'APPINSTALLER_CLI_ERROR_COMMAND_REQUIRES_ADMIN', code: 'E_PKG_FAILED', text: 'Command requires administrator privileges to run' }],
  [0x8a150056, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALLER_PROHIBITS_ELEVATION', code: 'E_PKG_FAILED', text: 'The installer cannot be run from an administrator context.' }],
  [0x8a150114, { symbol: 'APPINSTALLER_CLI_ERROR_INSTALL_UPGRADE_NOT_SUPPORTED', code: 'E_PKG_FAILED', text: 'The installer does not support upgrading an existing package.' }],
  [0x8a150002, { symbol: 'APPINSTALLER_CLI_ERROR_INVALID_CL_ARGUMENTS', code: 'E_PKG_FAILED', text: 'Invalid command line arguments' }],
]);

export interface WingetVerdict {
  ok: boolean;
  rebootRequired: boolean;
  code?: ErrorCode;
  /** `0x8A15002B APPINSTALLER_CLI_ERROR_UPDATE_NOT_APPLICABLE: No applicable update found`. */
  message?: string;
}

/** What an exit code of `winget upgrade` / `install` / `uninstall` means. */
export function wingetVerdict(exitCode: number): WingetVerdict {
  const code = unsignedExitCode(exitCode);
  if (code === 0) return { ok: true, rebootRequired: false };
  const known = KNOWN.get(code);
  if (!known) {
    // Other 0x8A15xxxx codes are winget's own failures; anything else is the installer's exit code.
    const whose = code >>> 16 === 0x8a15 ? 'winget error' : 'installer exit code';
    return { ok: false, rebootRequired: false, code: 'E_PKG_FAILED', message: `${whose} ${hex(code)} (${exitCode})` };
  }
  return {
    ok: known.code === null,
    rebootRequired: Boolean(known.reboot),
    ...(known.code ? { code: known.code } : {}),
    message: `${hex(code)} ${known.symbol}: ${known.text}`,
  };
}

/** Both spellings of the given codes, for CommandSpec.okExitCodes. */
export function bothForms(...codes: number[]): number[] {
  return codes.flatMap((c) => [unsignedExitCode(c), unsignedExitCode(c) | 0]);
}

export const NO_PACKAGES = 0x8a150014;
export const NO_UPDATE = 0x8a15002b;
