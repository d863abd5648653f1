import type { PackageManagerFactory } from '../package-manager.js';
import type { AdapterParsers } from '../parse-outcome.js';
import type { AdapterModule } from '../registry.js';
import { parseRpmQuery } from '../rpmdb/rpm-query.js';
import { DnfPackageManager } from './adapter.js';
import { detectDnf, detectYum } from './detect.js';
import { parseRpmRun } from './parse-apply.js';
import { parseCheckUpdate } from './parse-check-update.js';
import { parseNeedsRestarting } from './parse-needs-restarting.js';
import { parseRepoquery } from './parse-repoquery.js';

export { DnfPackageManager, RPM_CAPABILITIES } from './adapter.js';
export { detectDnf, detectYum } from './detect.js';

export const dnfFactory: PackageManagerFactory = {
  name: 'dnf',
  detect: detectDnf,
  create: (deps) => new DnfPackageManager('dnf', deps),
};

export const yumFactory: PackageManagerFactory = {
  name: 'yum',
  detect: detectYum,
  create: (deps) => new DnfPackageManager('yum', deps),
};

/**
 * `updates` reads either the adapter's own tab-separated repoquery output or `dnf/yum
 * check-update` / `tdnf list updates` tables (what users paste into bug reports).
 */
function parseUpdates(text: string): ReturnType<typeof parseRepoquery> {
  const tabbed = text.split('\n').some((l) => l.split('\t').length === 6);
  return tabbed ? parseRepoquery(text) : parseCheckUpdate(text);
}

function parsers(manager: 'dnf' | 'yum'): AdapterParsers {
  return {
    installed: (text) => parseRpmQuery(text, manager),
    updates: parseUpdates,
    apply: parseRpmRun,
    reboot: parseNeedsRestarting,
  };
}

export const dnfModule: AdapterModule = { factory: dnfFactory, parsers: parsers('dnf') };
export const yumModule: AdapterModule = { factory: yumFactory, parsers: parsers('yum') };
