import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf } from '../access-control.js';
import { errorResponses, IdParams, pageOf } from '../schemas/common.js';
import {
  DeviceDetailDto,
  deviceDetail,
  DeviceListQuery,
  DevicePatchBody,
  DeviceSummaryDto,
  deviceSummary,
  HistoryDto,
  historyDto,
  HistoryQuery,
  PackageDto,
  packageDto,
  PackageQuery,
  ReportDto,
  reportDto,
  UpdateDto,
  UpdateQuery,
} from '../schemas/devices.js';
import { PagingQuery } from '../schemas/common.js';

const securityFilter = { true: true, false: false, unknown: 'unknown' } as const;

/** Devices, their inventory, updates, package history and report log. */
export const deviceRoutes: FastifyPluginAsyncZod = async (app) => {
  const online = (id: string) => app.agents.isOnline(id);
  const read = { access: { role: 'auditor' as const } };

  app.get(
    '/api/v1/devices',
    {
      config: read,
      schema: { tags: ['devices'], summary: 'List devices', querystring: DeviceListQuery, response: { 200: pageOf(DeviceSummaryDto), ...errorResponses(400, 401, 403) } },
    },
    async (request) => {
      const { reboot, ...query } = request.query;
      const page = await app.services.devices.list(reboot === 'required' ? { ...query, rebootRequired: true } : query);
      return { ...page, items: page.items.map((d) => deviceSummary(d, online(d.id))) };
    },
  );

  app.get(
    '/api/v1/devices/:id',
    {
      config: read,
      schema: { tags: ['devices'], summary: 'One device with its facts', params: IdParams, response: { 200: DeviceDetailDto, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => {
      const device = await app.services.devices.get(request.params.id);
      return deviceDetail(device, online(device.id));
    },
  );

  app.patch(
    '/api/v1/devices/:id',
    {
      config: { access: { role: 'operator' } },
      schema: {
        tags: ['devices'],
        summary: 'Set tags and/or criticality',
        params: IdParams,
        body: DevicePatchBody,
        response: { 200: DeviceDetailDto, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const device = await app.services.devices.update(request.params.id, request.body, principalOf(request).actor);
      return deviceDetail(device, online(device.id));
    },
  );

  app.get(
    '/api/v1/devices/:id/packages',
    {
      config: read,
      schema: { tags: ['devices'], summary: 'Installed packages', params: IdParams, querystring: PackageQuery, response: { 200: pageOf(PackageDto), ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => {
      const page = await app.services.inventory.listPackages(request.params.id, request.query);
      return { ...page, items: page.items.map(packageDto) };
    },
  );

  app.get(
    '/api/v1/devices/:id/updates',
    {
      config: read,
      schema: { tags: ['devices'], summary: 'Available updates', params: IdParams, querystring: UpdateQuery, response: { 200: pageOf(UpdateDto), ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => {
      const { security, ...rest } = request.query;
      return app.services.inventory.listUpdates(request.params.id, security === undefined ? rest : { ...rest, security: securityFilter[security] });
    },
  );

  app.get(
    '/api/v1/devices/:id/history',
    {
      config: read,
      schema: {
        tags: ['devices'],
        summary: 'Package changes observed over time, newest first',
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: pageOf(HistoryDto), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { since, ...rest } = request.query;
      const page = await app.services.inventory.listHistory(request.params.id, since ? { ...rest, since: new Date(since) } : rest);
      return { ...page, items: page.items.map(historyDto) };
    },
  );

  app.get(
    '/api/v1/devices/:id/reports',
    {
      config: read,
      schema: { tags: ['devices'], summary: 'Inventory reports received, newest first', params: IdParams, querystring: PagingQuery, response: { 200: pageOf(ReportDto), ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => {
      const page = await app.services.inventory.listReports(request.params.id, request.query);
      return { ...page, items: page.items.map(reportDto) };
    },
  );
};
