import fs from 'node:fs/promises';
import os from 'node:os';
import type { DeviceFacts } from '@patchwave/shared';
import type { Logger } from 'pino';
import si from 'systeminformation';
import { readOsRelease } from '../pkg/host-probe.js';
import { mapFacts, type RawFacts } from './facts-map.js';

const PROBE_TIMEOUT_MS = 20_000;

async function probe<T>(name: string, log: Logger, fn: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
        timer.unref();
      }),
    ]);
  } catch (err) {
    log.warn({ err, probe: name }, 'host fact probe failed; reporting without it');
    return undefined;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Boot time that does not move between collections: Linux /proc/stat `btime` is exact; elsewhere
 * now - uptime, rounded to the minute so that the content hash stays stable.
 */
async function bootTimeMs(): Promise<number> {
  if (process.platform === 'linux') {
    const stat = await fs.readFile('/proc/stat', 'utf8').catch(() => '');
    const btime = /^btime (\d+)$/m.exec(stat)?.[1];
    if (btime) return Number(btime) * 1000;
  }
  return Math.round((Date.now() - os.uptime() * 1000) / 60_000) * 60_000;
}

/** This host's facts from systeminformation and Node's os module; a failing probe only leaves its fields out. */
export async function collectFacts(log: Logger): Promise<DeviceFacts> {
  const [osInfo, system, cpu, mem, disks, network, osRelease, boot] = await Promise.all([
    probe('osInfo', log, () => si.osInfo()),
    probe('system', log, () => si.system()),
    probe('cpu', log, () => si.cpu()),
    probe('mem', log, () => si.mem()),
    probe('fsSize', log, () => si.fsSize()),
    probe('networkInterfaces', log, async () => {
      const n = await si.networkInterfaces();
      return Array.isArray(n) ? n : [n];
    }),
    process.platform === 'linux' ? probe('os-release', log, () => readOsRelease()) : Promise.resolve(undefined),
    bootTimeMs(),
  ]);
  const raw: RawFacts = {
    // os.hostname() is gethostname(2): exactly what `hostname` prints.
    hostname: os.hostname(),
    platform: process.platform,
    machine: os.machine(),
    uptimeSeconds: os.uptime(),
    bootTimeMs: boot,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  if (osInfo) raw.os = osInfo;
  if (osRelease) raw.osRelease = osRelease;
  if (system) raw.system = system;
  if (cpu) raw.cpu = cpu;
  if (mem) raw.memoryBytes = mem.total;
  if (disks) raw.disks = disks.map((d) => ({ fs: d.fs, mount: d.mount, type: d.type, size: d.size, used: d.used }));
  if (network) raw.network = network.map((n) => ({ iface: n.iface, mac: n.mac, ip4: n.ip4, ip6: n.ip6, internal: n.internal }));
  return mapFacts(raw);
}
