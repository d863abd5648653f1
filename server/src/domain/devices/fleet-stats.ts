import type { OsPlatform } from '@patchwave/shared';

/** What a fleet overview counts; the repository computes it in the database, not by loading devices. */
export interface FleetStatsQuery {
  now: Date;
  /** Devices last seen before this count as not seen recently. */
  staleBefore: Date;
  /** Upper bounds of the last-seen age bands, in hours, ascending; one more open-ended band follows. */
  lastSeenBandHours: readonly number[];
  /** How many OS releases to list, largest first. */
  osLimit: number;
}

export interface FleetStats {
  devices: number;
  notSeenRecently: number;
  neverReported: number;
  rebootPending: number;
  securityUpdates: { total: number; devices: number };
  updates: { total: number; devices: number };
  byOs: { platform: OsPlatform; distro: string; release: string; devices: number }[];
  /** One count per band of `lastSeenBandHours`, plus the open-ended band last. */
  lastSeenBands: number[];
}
