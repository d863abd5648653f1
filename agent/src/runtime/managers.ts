import type { Logger } from 'pino';
import type { CommandRunner } from '../exec/command-runner.js';
import { detectAdapters } from '../pkg/detect.js';
import type { HostDescription } from '../pkg/host.js';
import type { LocalManagerSettings, PackageManager } from '../pkg/package-manager.js';
import { ADAPTERS } from '../pkg/registry.js';

export interface ManagerDeps {
  host: HostDescription;
  exec: CommandRunner;
  log: Logger;
  local: LocalManagerSettings;
  /** The agent's state directory (the simulated adapter keeps its host there). */
  stateDir?: string;
}

/** The package managers of this host: detected adapters, or only `simulated` under --simulate. */
export function createManagers(deps: ManagerDeps): PackageManager[] {
  const modules = detectAdapters(deps.host, ADAPTERS, { simulate: deps.local.simulateScenario !== undefined });
  const managers = modules.map((m) =>
    m.factory.create({ exec: deps.exec, log: deps.log, host: deps.host, local: deps.local, ...(deps.stateDir ? { stateDir: deps.stateDir } : {}) }),
  );
  deps.log.info({ managers: managers.map((m) => m.name), platform: deps.host.platform, os: deps.host.osRelease['ID'] }, 'package managers detected');
  return managers;
}
