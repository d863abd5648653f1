/**
 * Pure parsers of apt and dpkg output. They never throw: what they cannot read is returned as a
 * problem with its line number. See README.md for the commands that produce each format.
 */
import type { AdapterParsers } from '../parse-outcome.js';
import { parseAptUpdates } from './parse-apt-sim.js';
import { parseAptApply } from './parse-apt-status.js';
import { parseDpkgQuery } from './parse-dpkg-query.js';
import { parseNeedrestartBatch, rebootFromNeedrestart } from './parse-reboot.js';

export * from './parse-apt-sim.js';
export * from './parse-apt-status.js';
export * from './parse-dpkg-query.js';
export * from './parse-reboot.js';

/** `patchwave-agent parse apt <kind>`: installed = dpkg-query, updates = apt-get -s dist-upgrade, apply = apt-get install output + status fd, reboot = needrestart -b. */
export const aptParsers: AdapterParsers = {
  installed: (text) => parseDpkgQuery(text),
  updates: (text) => parseAptUpdates(text),
  apply: (text) => parseAptApply(text),
  reboot: (text) => {
    const batch = parseNeedrestartBatch(text);
    return { value: { needrestart: batch.value, reboot: rebootFromNeedrestart(batch.value) }, problems: batch.problems };
  },
};
