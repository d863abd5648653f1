import { foundation } from './0001-foundation.js';
import type { Migration } from './migration.js';

/**
 * Every migration, in the order it applies. Append new ones at the end with the next free number
 * (0001–0099: foundation work; 0100 and up: later features). Never edit or reorder an applied one.
 */
export const MIGRATIONS: readonly Migration[] = [foundation];

export type { Migration } from './migration.js';
