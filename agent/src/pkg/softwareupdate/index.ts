import type { AdapterModule } from '../registry.js';
import { SoftwareUpdatePackageManager } from './adapter.js';
import { detectSoftwareUpdate } from './detect.js';
import { parseApplications, parseInstallOutput, parseSoftwareUpdates } from './parse.js';

export { SoftwareUpdatePackageManager, SOFTWAREUPDATE_CAPABILITIES } from './adapter.js';
export { detectSoftwareUpdate } from './detect.js';

export const softwareUpdateModule: AdapterModule = {
  factory: {
    name: 'softwareupdate',
    detect: detectSoftwareUpdate,
    create: (deps) => new SoftwareUpdatePackageManager(deps),
  },
  parsers: {
    /** `system_profiler -json SPApplicationsDataType`. */
    installed: parseApplications,
    updates: parseSoftwareUpdates,
    apply: parseInstallOutput,
  },
};
