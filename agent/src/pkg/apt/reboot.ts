import { mergeRebootStates, type RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { CommandRunner } from '../../exec/command-runner.js';
import type { HostFiles } from '../host-files.js';
import type { AptCommands } from './commands.js';
import { parseDpkgQuery } from './parse-dpkg-query.js';
import type { VersionCompare } from './parse-apt-sim.js';
import { installedKernels, parseNeedrestartBatch, parseRebootRequiredPkgs, rebootFromKernels, rebootFromNeedrestart } from './parse-reboot.js';

export const REBOOT_REQUIRED_FILE = '/var/run/reboot-required';
export const REBOOT_REQUIRED_PKGS_FILE = '/var/run/reboot-required.pkgs';

export interface RebootCheckDeps {
  exec: CommandRunner;
  log: Logger;
  files: HostFiles;
  commands: AptCommands;
  compare: VersionCompare;
  /** `uname -r` of the running kernel. */
  kernelRelease: () => string;
  hasNeedrestart: boolean;
}

/**
 * Whether the host needs a reboot, in the order the sources are trustworthy:
 * 1. Ubuntu's marker /var/run/reboot-required (+ .pkgs naming the packages that asked);
 * 2. `needrestart -b` (NEEDRESTART-KSTA 2/3 = the running kernel is outdated), where installed;
 * 3. Debian: the newest installed linux-image package against `uname -r`.
 * The first check that can tell decides; `unknown` only when none can.
 */
export async function aptRebootState(deps: RebootCheckDeps): Promise<RebootState> {
  const marker = await deps.files.readText(REBOOT_REQUIRED_FILE);
  if (marker !== undefined) {
    const pkgs = parseRebootRequiredPkgs((await deps.files.readText(REBOOT_REQUIRED_PKGS_FILE)) ?? '');
    const said = marker.split('\n').map((l) => l.replace(/\*/g, '').trim()).find(Boolean);
    return { required: true, reasons: [`${REBOOT_REQUIRED_FILE} exists${said ? `: ${said}` : ''}`], packages: pkgs };
  }
  const states: RebootState[] = [];
  if (deps.hasNeedrestart) {
    try {
      const res = await deps.exec.run(deps.commands.needrestart());
      const state = rebootFromNeedrestart(parseNeedrestartBatch(res.stdout).value);
      if (state.required !== 'unknown') return state;
      states.push(state);
    } catch (err) {
      deps.log.warn({ err }, 'needrestart -b failed; falling back to the kernel package check');
    }
  }
  const res = await deps.exec.run(deps.commands.dpkgQuery(['linux-image-*']));
  const kernels = installedKernels(parseDpkgQuery(res.stdout).value.packages);
  states.push(rebootFromKernels(deps.kernelRelease(), kernels, deps.compare));
  return mergeRebootStates(states);
}
