import type { AdapterModule } from '../registry.js';
import { WingetPackageManager } from './adapter.js';
import { detectWinget } from './detect.js';
import { parseWingetList, parseWingetUpgrades } from './parse.js';

export { WingetPackageManager, WINGET_CAPABILITIES } from './adapter.js';
export { detectWinget } from './detect.js';

export const wingetModule: AdapterModule = {
  factory: {
    name: 'winget',
    detect: detectWinget,
    create: (deps) => new WingetPackageManager(deps),
  },
  parsers: {
    installed: parseWingetList,
    updates: parseWingetUpgrades,
  },
};
