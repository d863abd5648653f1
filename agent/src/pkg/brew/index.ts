import type { AdapterModule } from '../registry.js';
import { BrewPackageManager } from './adapter.js';
import { detectBrew } from './detect.js';
import { parseBrewList, parseBrewOutdated, parseBrewRun } from './parse.js';

export { BrewPackageManager, BREW_CAPABILITIES } from './adapter.js';
export { detectBrew } from './detect.js';

export const brewModule: AdapterModule = {
  factory: {
    name: 'brew',
    detect: detectBrew,
    create: (deps) => new BrewPackageManager(deps),
  },
  parsers: {
    installed: (text) => parseBrewList(text, 'formula'),
    updates: (text) => {
      const parsed = parseBrewOutdated(text);
      return { value: parsed.value.updates, problems: parsed.problems };
    },
    apply: parseBrewRun,
  },
};
