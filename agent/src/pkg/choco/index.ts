import type { AdapterModule } from '../registry.js';
import { ChocoPackageManager } from './adapter.js';
import { detectChoco } from './detect.js';
import { parseChocoApply, parseChocoList, parseChocoOutdated } from './parse.js';

export { ChocoPackageManager, CHOCO_CAPABILITIES } from './adapter.js';
export { detectChoco } from './detect.js';

export const chocoModule: AdapterModule = {
  factory: {
    name: 'choco',
    detect: detectChoco,
    create: (deps) => new ChocoPackageManager(deps),
  },
  parsers: {
    installed: parseChocoList,
    updates: (text) => {
      const parsed = parseChocoOutdated(text);
      return { value: parsed.value.updates, problems: parsed.problems };
    },
    apply: parseChocoApply,
  },
};
