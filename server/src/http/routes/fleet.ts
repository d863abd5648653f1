import { FleetSummary, FleetSummaryQuery, LAST_SEEN_BANDS } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses } from '../schemas/common.js';
import { deviceSummary } from '../schemas/devices.js';

const bandHours = LAST_SEEN_BANDS.flatMap((b) => (b.maxAgeHours === null ? [] : [b.maxAgeHours]));

/** The fleet at a glance: what the console's dashboard shows, computed in the database. */
export const fleetRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/fleet/summary',
    {
      config: { access: { role: 'auditor' } },
      schema: {
        tags: ['devices'],
        summary: 'Fleet size, online, not seen recently, reboot pending, missing updates, OS mix',
        querystring: FleetSummaryQuery,
        response: { 200: FleetSummary, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { staleDays, top } = request.query;
      const [stats, worst] = await Promise.all([
        app.services.devices.stats(staleDays, bandHours),
        top === 0
          ? Promise.resolve({ items: [] })
          : app.services.devices.list({ missing: 'security', sort: 'securityUpdates', order: 'desc', limit: top, offset: 0 }),
      ]);
      const online = app.agents.deviceIds().length;
      return {
        generatedAt: stats.at.toISOString(),
        staleDays,
        devices: stats.devices,
        online,
        notSeenRecently: stats.notSeenRecently,
        neverReported: stats.neverReported,
        rebootPending: stats.rebootPending,
        securityUpdates: stats.securityUpdates,
        updates: stats.updates,
        byOs: stats.byOs,
        lastSeen: LAST_SEEN_BANDS.map((band, i) => ({ label: band.label, maxAgeHours: band.maxAgeHours, devices: stats.lastSeenBands[i] ?? 0 })),
        mostMissingSecurity: worst.items.map((d) => deviceSummary(d, app.agents.isOnline(d.id))),
      };
    },
  );
};
