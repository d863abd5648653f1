import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditEntry } from '../../domain/audit/audit-entry.js';
import { errorResponses, IsoDateTime } from '../schemas/common.js';

export const AuditEntryDto = z.object({
  seq: z.number().int(),
  at: IsoDateTime,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

const auditEntryDto = (e: AuditEntry): z.infer<typeof AuditEntryDto> => ({ ...e, at: e.at.toISOString() });

const VerificationDto = z.object({
  ok: z.boolean(),
  count: z.number().int(),
  headSeq: z.number().int().nullable(),
  headHash: z.string().nullable(),
  firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
});

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
        querystring: z.object({
          afterSeq: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          action: z.string().min(1).max(128).optional(),
          actor: z.string().min(1).max(256).optional(),
          target: z.string().min(1).max(256).optional(),
        }),
        response: { 200: z.object({ items: z.array(AuditEntryDto), nextAfterSeq: z.number().int().nullable() }), ...errorResponses(400, 401, 403) },
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
      schema: { tags: ['audit'], summary: 'Recompute the hash chain and name the first broken link', response: { 200: VerificationDto, ...errorResponses(401, 403) } },
    },
    async () => app.services.audit.verify(),
  );
};
