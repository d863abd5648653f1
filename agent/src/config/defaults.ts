import path from 'node:path';

export interface DefaultPaths {
  configFile: string;
  stateDir: string;
}

/**
 * Where the agent looks for its config file and keeps its state, per OS. These are the paths the
 * installers (deb/rpm, msi, pkg) write to.
 */
export function defaultPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): DefaultPaths {
  if (platform === 'win32') {
    const base = path.win32.join(env['ProgramData'] ?? env['PROGRAMDATA'] ?? 'C:\\ProgramData', 'patchwave');
    return { configFile: path.win32.join(base, 'agent.json'), stateDir: path.win32.join(base, 'state') };
  }
  if (platform === 'darwin') {
    const base = '/Library/Application Support/patchwave';
    return { configFile: path.posix.join(base, 'agent.json'), stateDir: path.posix.join(base, 'state') };
  }
  return { configFile: '/etc/patchwave/agent.json', stateDir: '/var/lib/patchwave' };
}

export const DEFAULT_INVENTORY_INTERVAL_MS = 60 * 60 * 1000;
export const DEFAULT_LOG_LEVEL = 'info';
