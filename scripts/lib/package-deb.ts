import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertLinuxInputs, LINUX_INSTALLER_DIR, linuxPayload, PACKAGE_DESCRIPTION, stagePayload, type LinuxPackageInput } from './linux-payload.js';
import { runTool } from './run-tool.js';

const DEB_ARCH = { x64: 'amd64', arm64: 'arm64' } as const;

export function debFileName(version: string, arch: LinuxPackageInput['arch']): string {
  return `patchwave-agent_${version}_${DEB_ARCH[arch]}.deb`;
}

export function debControl(version: string, arch: LinuxPackageInput['arch'], installedBytes: number): string {
  return [
    'Package: patchwave-agent',
    `Version: ${version}`,
    `Architecture: ${DEB_ARCH[arch]}`,
    'Maintainer: patchwave maintainers <maintainers@patchwave.invalid>',
    'Section: admin',
    'Priority: optional',
    `Installed-Size: ${Math.ceil(installedBytes / 1024)}`,
    // The executable embeds Node.js and links only the C and C++ runtimes.
    'Depends: libc6 (>= 2.28), libstdc++6 (>= 6), libgcc-s1 | libgcc1',
    'Homepage: https://github.com/patchwave/patchwave',
    `Description: ${PACKAGE_DESCRIPTION.summary}`,
    ...PACKAGE_DESCRIPTION.body.map((line) => ` ${line}`),
    '',
  ].join('\n');
}

/**
 * Builds patchwave-agent_<version>_<arch>.deb with dpkg-deb (root-owned files, gzip level 6 so that
 * every dpkg since Debian 9 / Ubuntu 18.04 reads it). The unit goes to /lib/systemd/system,
 * which every systemd distribution of that age reads (and merged-/usr ones alias).
 */
export async function buildDeb(input: LinuxPackageInput): Promise<string> {
  await assertLinuxInputs(input.binary);
  const stage = await mkdtemp(join(tmpdir(), 'patchwave-deb-'));
  try {
    const root = join(stage, 'root');
    const installed = await stagePayload(root, linuxPayload(input.binary, '/lib/systemd/system'));
    const debian = join(root, 'DEBIAN');
    await mkdir(debian, { mode: 0o755 });
    await writeFile(join(debian, 'control'), debControl(input.version, input.arch, installed));
    for (const script of ['postinst', 'prerm', 'postrm']) {
      await copyFile(join(LINUX_INSTALLER_DIR, 'deb', script), join(debian, script));
      await chmod(join(debian, script), 0o755);
    }
    await mkdir(input.outDir, { recursive: true });
    const out = join(input.outDir, debFileName(input.version, input.arch));
    await runTool('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z6', '--build', root, out]);
    return out;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
