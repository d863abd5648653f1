import { copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { assertLinuxInputs, LINUX_INSTALLER_DIR, type LinuxPackageInput } from './linux-payload.js';
import { runTool } from './run-tool.js';

const RPM_ARCH = { x64: 'x86_64', arm64: 'aarch64' } as const;

export function rpmFileName(version: string, arch: LinuxPackageInput['arch']): string {
  return `patchwave-agent-${version}-1.${RPM_ARCH[arch]}.rpm`;
}

/**
 * Builds patchwave-agent-<version>-1.<arch>.rpm with rpmbuild (Debian's `rpm` package) from
 * installers/linux/rpm/patchwave-agent.spec. rpmbuild runs in a private topdir so that nothing
 * under ~/rpmbuild is read or written.
 */
export async function buildRpm(input: LinuxPackageInput & { license: string }): Promise<string> {
  await assertLinuxInputs(input.binary);
  const stage = await mkdtemp(join(tmpdir(), 'patchwave-rpm-'));
  try {
    const source = join(stage, 'source');
    await mkdir(source);
    await copyFile(input.binary, join(source, 'patchwave-agent'));
    await copyFile(join(LINUX_INSTALLER_DIR, 'patchwave-agent.service'), join(source, 'patchwave-agent.service'));
    await copyFile(join(LINUX_INSTALLER_DIR, 'write-config.sh'), join(source, 'write-config'));
    await copyFile(join(LINUX_INSTALLER_DIR, 'agent.env.example'), join(source, 'agent.env.example'));
    await copyFile(join(dirname(input.binary), 'NODE-LICENSE'), join(source, 'NODE-LICENSE'));
    const topdir = join(stage, 'rpmbuild');
    await runTool('rpmbuild', [
      '-bb',
      '--quiet',
      '--target',
      RPM_ARCH[input.arch],
      '--define',
      `_topdir ${topdir}`,
      '--define',
      `pw_version ${input.version}`,
      '--define',
      `pw_source ${source}`,
      '--define',
      `pw_license ${input.license}`,
      join(LINUX_INSTALLER_DIR, 'rpm', 'patchwave-agent.spec'),
    ]);
    const rpmDir = join(topdir, 'RPMS', RPM_ARCH[input.arch]);
    const built = (await readdir(rpmDir)).filter((f) => f.endsWith('.rpm'));
    if (built.length !== 1 || !built[0]) throw new Error(`rpmbuild left ${built.length} packages in ${rpmDir}, expected 1`);
    await mkdir(input.outDir, { recursive: true });
    const out = join(input.outDir, rpmFileName(input.version, input.arch));
    await rm(out, { force: true });
    await copyFile(join(rpmDir, built[0]), `${out}.part`);
    await rename(`${out}.part`, out);
    return out;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
