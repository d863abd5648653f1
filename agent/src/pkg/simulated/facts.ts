import os from 'node:os';
import path from 'node:path';
import { DeviceFacts } from '@patchwave/shared';
import type { Scenario } from './scenario.js';

/**
 * Host facts of a simulated endpoint: many simulated agents run on one machine, so each reports
 * its own identity (hostname = its state directory's name) and a simulated OS, read without
 * starting a process (systeminformation would start dozens per agent). CPU, memory and uptime
 * are this machine's.
 */
export function simulatedFacts(stateDir: string, scenario: Scenario): DeviceFacts {
  return DeviceFacts.parse({
    hostname: path.basename(path.resolve(stateDir)).slice(0, 253) || 'simulated',
    os: {
      platform: 'linux',
      distro: 'patchwave simulated host',
      release: '1',
      codename: scenario.name.slice(0, 64),
      id: 'simulated',
      kernel: os.release(),
      arch: os.arch(),
    },
    hardware: {
      manufacturer: 'patchwave',
      model: 'simulated',
      virtual: true,
      cpu: { brand: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
      memoryBytes: os.totalmem(),
    },
    disks: [],
    network: [],
    uptimeSeconds: os.uptime(),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
}
