import { GroupSafetyList, GroupSafetySettings, GroupSafetyView, SafetyGroup } from '@patchwave/shared';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf } from '../access-control.js';
import { errorResponses } from '../schemas/common.js';

const tags = ['groups'];
const read = { access: { role: 'auditor' as const } };
const write = { access: { role: 'operator' as const } };
const GroupParams = z.object({ group: SafetyGroup });

/**
 * Safe-patching settings per device group (a device is in group NAME when it carries the tag
 * `group=NAME`; `*` applies to every device): package holds, health probes and pre-flight checks.
 * Apply jobs carry the merged settings of a device's groups; the server's selection leaves held
 * packages out. Every change is audited with the settings before and after.
 */
export const groupSafetyRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.groupSafety;

  app.get(
    '/api/v1/groups/safety',
    { config: read, schema: { tags, summary: 'Safety settings of every group that has some', response: { 200: GroupSafetyList, ...errorResponses(401, 403) } } },
    async () => ({ items: await service.list() }),
  );

  app.get(
    '/api/v1/groups/:group/safety',
    {
      config: read,
      schema: { tags, summary: "One group's holds, health probes and pre-flight checks", params: GroupParams, response: { 200: GroupSafetyView, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => service.get(request.params.group),
  );

  app.put(
    '/api/v1/groups/:group/safety',
    {
      config: write,
      schema: {
        tags,
        summary: "Set (replace) a group's safety settings",
        description:
          'Validated in full before anything is stored: probe URLs and ports, version ranges of holds, duplicate probe names or holds, unknown fields. The next apply jobs of its devices carry the new settings; jobs already offered keep theirs.',
        params: GroupParams,
        body: GroupSafetySettings,
        response: { 200: GroupSafetyView, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => service.put(request.params.group, request.body, principalOf(request).actor),
  );

  app.delete(
    '/api/v1/groups/:group/safety',
    {
      config: write,
      schema: { tags, summary: "Clear a group's safety settings (answers what was removed)", params: GroupParams, response: { 200: GroupSafetyView, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => service.clear(request.params.group, principalOf(request).actor),
  );
};
