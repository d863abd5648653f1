import type { PackageManagerFactory } from '../package-manager.js';
import type { AdapterParsers, ParseOutcome } from '../parse-outcome.js';
import type { AdapterModule } from '../registry.js';
import { parseRpmQuery } from '../rpmdb/rpm-query.js';
import { ZypperPackageManager } from './adapter.js';
import { detectZypper } from './detect.js';
import { mergeZypperUpdates } from './merge.js';
import { parseZypperReboot } from './parse-reboot.js';
import { parseZypperRun } from './parse-run.js';
import { parseListPatches, parseListUpdates } from './parse-updates.js';

export { ZypperPackageManager, ZYPPER_CAPABILITIES } from './adapter.js';
export { detectZypper } from './detect.js';

export const zypperFactory: PackageManagerFactory = {
  name: 'zypper',
  detect: detectZypper,
  create: (deps) => new ZypperPackageManager(deps),
};

/**
 * `updates` reads `zypper --xmlout list-updates` (and the patches of `list-patches`, when the
 * same text holds them, for their security classification).
 */
function parseUpdates(text: string): ParseOutcome<unknown> {
  const updates = parseListUpdates(text);
  const patches = parseListPatches(text);
  return { value: mergeZypperUpdates(updates.value, [], patches.value, []), problems: updates.problems };
}

const parsers: AdapterParsers = {
  installed: (text) => parseRpmQuery(text, 'zypper'),
  updates: parseUpdates,
  apply: parseZypperRun,
  reboot: parseZypperReboot,
};

export const zypperModule: AdapterModule = { factory: zypperFactory, parsers };
