import { compareVersions } from '@patchwave/shared';
import type { VersionCompare } from './parse-apt-sim.js';

/** dpkg's ordering (epochs, `~` before everything), from the shared comparators. */
export const dpkgCompare: VersionCompare = (a, b) => compareVersions('dpkg', a, b);
