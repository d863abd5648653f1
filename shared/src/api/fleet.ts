import { z } from 'zod';
import { OsPlatform } from '../domain/device.js';
import { DeviceSummary } from './devices.js';

/** `GET /api/v1/fleet/summary`: the operational state of the fleet in one read, for dashboards. */

const Count = z.number().int().nonnegative();

export const FleetSummaryQuery = z.object({
  staleDays: z.coerce.number().int().min(1).max(365).default(7).describe('A device not heard from for this many days counts as not seen recently'),
  top: z.coerce.number().int().min(0).max(50).default(10).describe('How many devices to list with the most missing security updates'),
});
export type FleetSummaryQuery = z.infer<typeof FleetSummaryQuery>;

/** Last-seen age bands, newest first; `maxAgeHours` null is the open-ended last band. */
export const LAST_SEEN_BANDS = [
  { label: '< 1 hour', maxAgeHours: 1 },
  { label: '1–24 hours', maxAgeHours: 24 },
  { label: '1–7 days', maxAgeHours: 7 * 24 },
  { label: '7–30 days', maxAgeHours: 30 * 24 },
  { label: '> 30 days', maxAgeHours: null },
] as const;

export const FleetSummary = z.object({
  generatedAt: z.iso.datetime({ offset: true }),
  staleDays: z.number().int(),
  devices: Count.describe('Enrolled devices'),
  online: Count.describe('Devices with an agent connection open now'),
  notSeenRecently: Count.describe('Devices not heard from for at least staleDays'),
  neverReported: Count.describe('Devices that enrolled but sent no inventory yet'),
  rebootPending: Count.describe('Devices whose last inventory says a reboot is required'),
  securityUpdates: z.object({ total: Count.describe('Missing security updates summed over devices'), devices: Count.describe('Devices missing at least one') }),
  updates: z.object({ total: Count, devices: Count }),
  byOs: z
    .array(z.object({ platform: OsPlatform, distro: z.string(), release: z.string(), devices: Count }))
    .max(50)
    .describe('Devices per OS release, largest first'),
  lastSeen: z.array(z.object({ label: z.string(), maxAgeHours: z.number().int().nullable(), devices: Count })).describe('Devices per last-seen age band'),
  mostMissingSecurity: z.array(DeviceSummary).describe('Devices with the most missing security updates'),
});
export type FleetSummary = z.infer<typeof FleetSummary>;
