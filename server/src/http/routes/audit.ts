import type { AuditEntryView } from '@patchwave/shared';
import { AuditPage, AuditQuery, AuditVerification } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuditEntry } from '../../domain/audit/audit-entry.js';
import { errorResponses } from '../schemas/common.js';

/** The DTOs are the shared API schemas (`@patchwave/shared`, `api/audit.ts`). */
export { AuditEntryView as AuditEntryDto } from '@patchwave/shared';

const auditEntryDto = (e: AuditEntry): AuditEntryView => ({ ...e, at: e.at.toISOString() });

/** Read the hash-chained audit log and verify it. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/audit',
    {
      config: { access: { role: 'auditor' } },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries in seq order, paged by cursor',
        description: 'Pass `nextAfterSeq` of one page as `afterSeq` of the next; null when there is no more.',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const items = await app.services.audit.list(request.query);
      const last = items.at(-1);
      return { items: items.map(auditEntryDto), nextAfterSeq: items.length === request.query.limit && last ? last.seq : null };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      config: { access: { role: 'auditor' } },
      schema: { tags: ['audit'], summary: 'Recompute the hash chain and name the first broken link', response: { 200: AuditVerification, ...errorResponses(401, 403) } },
    },
    async () => app.services.audit.verify(),
  );
};
