import { apkModule } from './apk/index.js';
import { aptModule } from './apt/index.js';
import { brewModule } from './brew/index.js';
import { chocoModule } from './choco/index.js';
import { dnfModule, yumModule } from './dnf/index.js';
import { pacmanModule } from './pacman/index.js';
import { simulatedModule } from './simulated/index.js';
import { softwareUpdateModule } from './softwareupdate/index.js';
import { windowsUpdateModule } from './windows-update/index.js';
import { wingetModule } from './winget/index.js';
import { zypperModule } from './zypper/index.js';
import type { AdapterParsers } from './parse-outcome.js';
import type { PackageManagerFactory } from './package-manager.js';

/** One adapter folder's public face: how to detect and build it, and its pure parsers. */
export interface AdapterModule {
  factory: PackageManagerFactory;
  parsers: AdapterParsers;
  /**
   * Never auto-detected; used only when chosen explicitly (the `simulated` adapter, selected by
   * `patchwave-agent run --simulate <scenario>`).
   */
  explicitOnly?: boolean;
}

/**
 * Every adapter the agent knows, in detection order. Each folder under pkg/ exports its module
 * from its index.ts and adds one line here.
 */
export const ADAPTERS: readonly AdapterModule[] = [
  aptModule,
  dnfModule,
  yumModule,
  zypperModule,
  pacmanModule,
  apkModule,
  brewModule,
  softwareUpdateModule,
  wingetModule,
  chocoModule,
  windowsUpdateModule,
  // Never detected (explicit-only): used alone when the agent runs with --simulate <scenario>.
  simulatedModule,
];
