import { copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './bundle-agent.js';
import { assertBinary } from './linux-payload.js';
import { runTool } from './run-tool.js';

export const WINDOWS_INSTALLER_DIR = join(REPO_ROOT, 'installers', 'windows');
const WRAPPER_SOURCES = ['main.c', 'service.c', 'config.c', 'log.c'];

/** Public properties an administrator passes to msiexec; Windows Installer drops any property not listed here. */
export const SECURE_PROPERTIES = ['SERVERURL', 'ENROLLTOKEN', 'SERVERKEY', 'PURGE', 'PW_CONFIG_GIVEN'];
/** msidbCustomActionTypeHideTarget: the command line carrying ENROLLTOKEN is never logged. */
const HIDE_TARGET = 0x2000;

export function msiFileName(version: string): string {
  return `patchwave-agent-${version}-x64.msi`;
}

/**
 * Compiles installers/windows/service/*.c into patchwave-service.exe with Debian's MinGW-w64
 * cross compiler (package gcc-mingw-w64-x86-64-win32). Static libgcc, only system DLLs imported.
 */
export async function buildServiceWrapper(version: string, outFile: string): Promise<string> {
  const dir = join(WINDOWS_INSTALLER_DIR, 'service');
  await runTool('x86_64-w64-mingw32-gcc', [
    '-municode',
    '-std=c11',
    '-O2',
    '-s',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-static-libgcc',
    `-DPW_VERSION="${version}"`,
    '-o',
    outFile,
    ...WRAPPER_SOURCES.map((f) => join(dir, f)),
    '-ladvapi32',
    '-lshell32',
    '-lole32',
    '-luuid',
  ]);
  return outFile;
}

/**
 * Builds patchwave-agent-<version>-x64.msi with wixl from installers/windows/patchwave-agent.wxs,
 * then patches what wixl cannot express (msibuild, same msitools project):
 * SecureCustomProperties, the HideTarget bit of ConfigureAgent, and the Windows version check.
 */
export async function buildMsi(input: { agentExe: string; version: string; outDir: string }): Promise<string> {
  await assertBinary(input.agentExe);
  const stage = await mkdtemp(join(tmpdir(), 'patchwave-msi-'));
  try {
    await copyFile(input.agentExe, join(stage, 'patchwave-agent.exe'));
    await buildServiceWrapper(input.version, join(stage, 'patchwave-service.exe'));
    await copyFile(join(WINDOWS_INSTALLER_DIR, 'patchwave-agent.wxs'), join(stage, 'patchwave-agent.wxs'));
    const msi = join(stage, 'patchwave-agent.msi');
    // wixl resolves File/@Source against the working directory, hence SourceDir=. and cwd=stage.
    await runTool('wixl', ['-a', 'x64', '-D', `Version=${input.version}`, '-D', 'SourceDir=.', '-o', msi, 'patchwave-agent.wxs'], {
      cwd: stage,
    });
    const secure = ['WIX_DOWNGRADE_DETECTED', 'WIX_UPGRADE_DETECTED', ...SECURE_PROPERTIES].join(';');
    const patches = [
      `UPDATE Property SET Value='${secure}' WHERE Property='SecureCustomProperties'`,
      `UPDATE CustomAction SET Type=${0x0c12 | HIDE_TARGET} WHERE Action='ConfigureAgent'`,
      "INSERT INTO LaunchCondition (Condition, Description) VALUES ('Installed OR (VersionNT64 >= 603)', " +
        "'The patchwave agent needs 64-bit Windows 10, Windows Server 2016 or newer.')",
    ];
    for (const query of patches) await runTool('msibuild', [msi, '-q', query]);
    await mkdir(input.outDir, { recursive: true });
    const out = join(input.outDir, msiFileName(input.version));
    await copyFile(msi, `${out}.part`);
    await rename(`${out}.part`, out);
    return out;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
