import { chmod, copyFile, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './bundle-agent.js';

export const LINUX_INSTALLER_DIR = join(REPO_ROOT, 'installers', 'linux');

export type LinuxArch = 'x64' | 'arm64';

export interface LinuxPackageInput {
  /** The agent executable for this architecture (dist/patchwave-agent-linux-<arch>). */
  binary: string;
  version: string;
  arch: LinuxArch;
  outDir: string;
}

export const PACKAGE_DESCRIPTION = {
  summary: 'patchwave endpoint agent: inventory and patch deployment',
  body: [
    "The patchwave agent reports this device's operating system, installed packages and",
    'available updates to a patchwave server and applies the updates an operator approved,',
    'in waves. Configure it at install time with PATCHWAVE_SERVER_URL, PATCHWAVE_ENROLL_TOKEN',
    'and PATCHWAVE_SERVER_KEY in the environment or in /etc/patchwave/agent.env.',
  ],
};

export interface PayloadFile {
  from: string;
  /** Absolute path on the installed system. */
  to: string;
  mode: number;
}

/** What every Linux package installs, apart from where the systemd unit goes. */
export function linuxPayload(binary: string, unitDir: string): PayloadFile[] {
  return [
    { from: binary, to: '/usr/bin/patchwave-agent', mode: 0o755 },
    { from: join(LINUX_INSTALLER_DIR, 'patchwave-agent.service'), to: `${unitDir}/patchwave-agent.service`, mode: 0o644 },
    { from: join(LINUX_INSTALLER_DIR, 'write-config.sh'), to: '/usr/lib/patchwave/write-config', mode: 0o755 },
    {
      from: join(LINUX_INSTALLER_DIR, 'agent.env.example'),
      to: '/usr/share/doc/patchwave-agent/agent.env.example',
      mode: 0o644,
    },
    // Written by build-agent next to the executable: the executable embeds Node.js.
    { from: join(dirname(binary), 'NODE-LICENSE'), to: '/usr/share/doc/patchwave-agent/NODE-LICENSE', mode: 0o644 },
  ];
}

/** Copies the payload under `root` with exact modes; returns the installed size in bytes. */
export async function stagePayload(root: string, files: readonly PayloadFile[]): Promise<number> {
  let bytes = 0;
  for (const file of files) {
    const target = join(root, file.to);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await copyFile(file.from, target);
    await chmod(target, file.mode);
    bytes += (await stat(target)).size;
  }
  return bytes;
}

/** Fails early, naming the file, when the agent executable to package is missing. */
export async function assertBinary(binary: string): Promise<void> {
  try {
    const info = await stat(binary);
    if (!info.isFile() || info.size === 0) throw new Error('not a regular non-empty file');
  } catch (error) {
    throw new Error(`agent executable ${binary} is missing: run "pnpm build:agent" first`, { cause: error });
  }
}

/** The Linux packages also need Node.js's license, which build-agent writes next to the Linux executables. */
export async function assertLinuxInputs(binary: string): Promise<void> {
  await assertBinary(binary);
  try {
    await stat(join(dirname(binary), 'NODE-LICENSE'));
  } catch (error) {
    throw new Error(`${join(dirname(binary), 'NODE-LICENSE')} is missing: "pnpm build:agent" writes it next to the executables`, { cause: error });
  }
}
