import type { PackageManagerFactory } from '../package-manager.js';
import type { AdapterParsers, ParseOutcome } from '../parse-outcome.js';
import type { AdapterModule } from '../registry.js';
import { PacmanPackageManager } from './adapter.js';
import { detectPacman } from './detect.js';
import { parsePacmanQuery } from './parse-query.js';
import { parseOwner, parsePacmanRun } from './parse-run.js';
import { parsePacmanUpdates } from './parse-updates.js';

export { PacmanPackageManager, PACMAN_CAPABILITIES } from './adapter.js';
export { detectPacman } from './detect.js';

export const pacmanFactory: PackageManagerFactory = {
  name: 'pacman',
  detect: detectPacman,
  create: (deps) => new PacmanPackageManager(deps),
};

/**
 * `reboot` reads `pacman -Qo /usr/lib/modules/$(uname -r)`: owned means no kernel change is
 * pending. Not owned needs the file system to decide (gone: reboot; present: self-built kernel),
 * which captured text cannot say, so it is `unknown` here.
 */
function parseReboot(text: string): ParseOutcome<unknown> {
  const parsed = parseOwner(text);
  const required = parsed.value.owned === true ? false : 'unknown';
  return { value: { required, reasons: parsed.value.owner ? [`running kernel's modules owned by ${parsed.value.owner}`] : [], packages: [] }, problems: parsed.problems };
}

const parsers: AdapterParsers = {
  installed: parsePacmanQuery,
  updates: parsePacmanUpdates,
  apply: parsePacmanRun,
  reboot: parseReboot,
};

export const pacmanModule: AdapterModule = { factory: pacmanFactory, parsers };
