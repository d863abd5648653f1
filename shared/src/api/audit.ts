import { z } from 'zod';

/** The hash-chained audit log as `/api/v1/audit` and `/api/v1/audit/verify` return it. */

export const AuditEntryView = z.object({
  seq: z.number().int(),
  at: z.iso.datetime({ offset: true }),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditQuery = z.object({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  action: z.string().min(1).max(128).optional(),
  actor: z.string().min(1).max(256).optional(),
  target: z.string().min(1).max(256).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** Cursor paging: pass `nextAfterSeq` as the next `afterSeq`; null when there is no more. */
export const AuditPage = z.object({ items: z.array(AuditEntryView), nextAfterSeq: z.number().int().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditVerification = z.object({
  ok: z.boolean(),
  count: z.number().int(),
  headSeq: z.number().int().nullable(),
  headHash: z.string().nullable(),
  firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
});
export type AuditVerification = z.infer<typeof AuditVerification>;
