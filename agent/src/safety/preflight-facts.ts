import fs from 'node:fs/promises';
import path from 'node:path';
import { mergeRebootStates, type RebootState } from '@patchwave/shared';
import type { Logger } from 'pino';
import si from 'systeminformation';
import type { PackageManager } from '../pkg/package-manager.js';
import type { PreflightFacts } from './preflight.js';

export interface FactSources {
  /** Free MiB on the file system holding `p` (statfs), or undefined when `p` does not exist. */
  freeMb(p: string): Promise<number | undefined>;
  /** File-system id of `p` (so each file system is counted once). */
  deviceOf(p: string): Promise<number | undefined>;
  battery(): Promise<{ hasBattery: boolean; acConnected: boolean } | null>;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** How long to wait for a package-manager lock to be released before failing (default 60 s). */
  lockWaitMs: number;
  /** The system drive root where a manager names no paths (`/`, `C:\`). */
  systemRoot: string;
}

const enoent = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

export function nodeFactSources(overrides: Partial<FactSources> = {}): FactSources {
  return {
    async freeMb(p) {
      try {
        const s = await fs.statfs(p);
        return Math.floor((s.bavail * s.bsize) / (1024 * 1024));
      } catch (err) {
        if (enoent(err)) return undefined;
        throw err;
      }
    },
    async deviceOf(p) {
      try {
        return (await fs.stat(p)).dev;
      } catch (err) {
        if (enoent(err)) return undefined;
        throw err;
      }
    },
    async battery() {
      const b = await si.battery();
      return { hasBattery: b.hasBattery, acConnected: b.acConnected };
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    lockWaitMs: 60_000,
    systemRoot: process.platform === 'win32' ? `${process.env['SystemDrive'] ?? 'C:'}\\` : path.parse(process.cwd()).root,
    ...overrides,
  };
}

/** Free space per file system the managers write (each file system once, its first path named). */
async function disks(managers: readonly PackageManager[], src: FactSources, log: Logger): Promise<PreflightFacts['disks']> {
  const seen = new Set<number>();
  const out: PreflightFacts['disks'] = [];
  const named = managers.flatMap((m) => (m.dataPaths?.length ? m.dataPaths : [src.systemRoot]));
  const paths = [...new Set(named.length ? named : [src.systemRoot])];
  for (const p of paths) {
    try {
      const dev = await src.deviceOf(p);
      if (dev === undefined || seen.has(dev)) continue;
      seen.add(dev);
      const free = await src.freeMb(p);
      if (free !== undefined) out.push({ path: p, freeMb: free });
    } catch (err) {
      log.warn({ err, path: p }, 'could not read free disk space');
    }
  }
  return out;
}

/** Waits (polling every 2 s) up to `lockWaitMs` for every manager's lock to be free. */
async function locks(managers: readonly PackageManager[], src: FactSources, log: Logger): Promise<PreflightFacts['locks']> {
  const deadline = src.now() + src.lockWaitMs;
  for (;;) {
    const out: PreflightFacts['locks'] = [];
    for (const m of managers) {
      if (!m.lockStatus) continue;
      try {
        out.push({ manager: m.name, status: await m.lockStatus() });
      } catch (err) {
        log.warn({ err, manager: m.name }, 'could not check the package manager lock');
      }
    }
    if (!out.some((l) => l.status.held) || src.now() + 2_000 > deadline) return out;
    log.info({ held: out.filter((l) => l.status.held).map((l) => l.status.detail) }, 'package manager lock held; waiting');
    await src.sleep(2_000);
  }
}

async function reboot(managers: readonly PackageManager[], log: Logger): Promise<RebootState> {
  const states: RebootState[] = [];
  for (const m of managers) {
    if (!m.capabilities.detectsReboot) continue;
    try {
      states.push(await m.rebootRequired());
    } catch (err) {
      log.warn({ err, manager: m.name }, 'could not tell whether a reboot is pending');
    }
  }
  return mergeRebootStates(states);
}

/** Gathers what the pre-flight checks need, only what they ask for. */
export async function gatherPreflightFacts(
  managers: readonly PackageManager[],
  wants: { disk: boolean; lock: boolean; power: boolean; reboot: boolean },
  src: FactSources,
  log: Logger,
): Promise<PreflightFacts> {
  let power: PreflightFacts['power'] = null;
  if (wants.power) {
    try {
      power = await src.battery();
    } catch (err) {
      log.warn({ err }, 'could not read the battery state');
    }
  }
  return {
    disks: wants.disk ? await disks(managers, src, log) : [],
    locks: wants.lock ? await locks(managers, src, log) : [],
    power,
    reboot: wants.reboot ? await reboot(managers, log) : { required: 'unknown', reasons: [], packages: [] },
  };
}
