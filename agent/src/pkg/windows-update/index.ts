import type { AdapterModule } from '../registry.js';
import { WindowsUpdatePackageManager } from './adapter.js';
import { detectWindowsUpdate } from './detect.js';
import { parseInstall, parseInstalled, parseReboot, parseSearchUpdates } from './parse.js';

export { WindowsUpdatePackageManager, WINDOWS_UPDATE_CAPABILITIES } from './adapter.js';
export { detectWindowsUpdate } from './detect.js';
export { WUA_SCRIPT } from './wua-script.js';

export const windowsUpdateModule: AdapterModule = {
  factory: {
    name: 'windows-update',
    detect: detectWindowsUpdate,
    create: (deps) => new WindowsUpdatePackageManager(deps),
  },
  /** Each reads wua.ps1's JSON for one action (Installed, Search, Install, Reboot). */
  parsers: {
    installed: (text) => parseInstalled(text),
    updates: parseSearchUpdates,
    apply: parseInstall,
    reboot: parseReboot,
  },
};
