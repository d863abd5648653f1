import type { RebootState } from '@patchwave/shared';
import type { ParseOutcome, ParseProblem } from '../parse-outcome.js';
import type { VersionCompare } from './parse-apt-sim.js';

/** `needrestart -b` batch output (needrestart(1), "batch mode"). */
export interface NeedrestartBatch {
  version?: string;
  /** Running kernel (NEEDRESTART-KCUR). */
  kernelCurrent?: string;
  /** Newest installed kernel (NEEDRESTART-KEXP), when needrestart could tell. */
  kernelExpected?: string;
  /** NEEDRESTART-KSTA: 0 unknown, 1 current, 2 ABI-compatible upgrade pending, 3 version upgrade pending. */
  kernelStatus?: 0 | 1 | 2 | 3;
  /** NEEDRESTART-UCSTA: microcode, same scale. */
  microcodeStatus?: number;
  /** Services needrestart would restart (NEEDRESTART-SVC). */
  services: string[];
}

export function parseNeedrestartBatch(text: string): ParseOutcome<NeedrestartBatch> {
  const value: NeedrestartBatch = { services: [] };
  const problems: ParseProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    const m = /^NEEDRESTART-([A-Z]+):\s?(.*)$/.exec(line);
    if (!m) {
      problems.push({ line: index + 1, message: `not a needrestart batch line: ${line.slice(0, 200)}` });
      return;
    }
    const [, key, rest = ''] = m;
    const v = rest.trim();
    switch (key) {
      case 'VER':
        value.version = v;
        break;
      case 'KCUR':
        value.kernelCurrent = v;
        break;
      case 'KEXP':
        if (v) value.kernelExpected = v;
        break;
      case 'KSTA': {
        const n = Number(v);
        if ([0, 1, 2, 3].includes(n)) value.kernelStatus = n as 0 | 1 | 2 | 3;
        else problems.push({ line: index + 1, message: `unknown NEEDRESTART-KSTA ${JSON.stringify(v)}` });
        break;
      }
      case 'UCSTA':
        value.microcodeStatus = Number(v);
        break;
      case 'SVC':
        if (v) value.services.push(v);
        break;
      default:
        break; // UCCUR, UCEXP, CONT, SESS …: not needed for the reboot decision
    }
  });
  return { value, problems };
}

/** The reboot decision needrestart allows: KSTA 2 or 3 means the running kernel is outdated. */
export function rebootFromNeedrestart(batch: NeedrestartBatch): RebootState {
  switch (batch.kernelStatus) {
    case 3:
      return {
        required: true,
        reasons: [`needrestart: running kernel ${batch.kernelCurrent ?? '?'} but ${batch.kernelExpected ?? 'a newer kernel'} is installed`],
        packages: [],
      };
    case 2:
      return {
        required: true,
        reasons: [`needrestart: an ABI-compatible upgrade of the running kernel ${batch.kernelCurrent ?? '?'} is installed`],
        packages: [],
      };
    case 1:
      return { required: false, reasons: [], packages: [] };
    default:
      return { required: 'unknown', reasons: ['needrestart could not tell whether the running kernel is current'], packages: [] };
  }
}

/** `/var/run/reboot-required.pkgs`: one package per line (Ubuntu's update-notifier hooks). */
export function parseRebootRequiredPkgs(text: string): string[] {
  return [...new Set(text.split('\n').map((l) => l.trim()).filter((l) => /^[a-z0-9][a-z0-9+.:-]*$/.test(l)))];
}

/** An installed kernel image: package `linux-image-<release>` at a version. */
export interface InstalledKernel {
  release: string;
  version: string;
}

/** Kernel images among installed package names (`linux-image-6.1.0-18-amd64`, not the `linux-image-amd64` metapackage). */
export function installedKernels(packages: readonly { name: string; version: string }[]): InstalledKernel[] {
  return packages
    .map((p) => ({ m: /^linux-image-(?:unsigned-)?(\d+\.\d+[^\s]*)$/.exec(p.name), version: p.version }))
    .filter((k): k is { m: RegExpExecArray; version: string } => k.m !== null)
    .map((k) => ({ release: k.m[1] ?? '', version: k.version }));
}

/**
 * Debian's check when neither marker nor needrestart answers: is the running kernel (`uname -r`)
 * the newest installed kernel image? A kernel that is not a Debian package (containers, custom
 * builds) cannot be judged: `unknown`.
 */
export function rebootFromKernels(running: string, kernels: readonly InstalledKernel[], compare: VersionCompare): RebootState {
  if (kernels.length === 0) return { required: 'unknown', reasons: [`no kernel image package installed (running ${running})`], packages: [] };
  const current = kernels.find((k) => k.release === running);
  if (!current) {
    return { required: 'unknown', reasons: [`running kernel ${running} is not an installed package`], packages: [] };
  }
  const newest = [...kernels].sort((a, b) => compare(b.version, a.version))[0] ?? current;
  if (newest.release !== running && compare(newest.version, current.version) > 0) {
    return {
      required: true,
      reasons: [`running kernel ${running} but ${newest.release} (${newest.version}) is installed`],
      packages: [`linux-image-${newest.release}`],
    };
  }
  return { required: false, reasons: [], packages: [] };
}
