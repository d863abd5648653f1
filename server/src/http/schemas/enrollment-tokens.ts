import { z } from 'zod';
import type { EnrollmentToken } from '../../domain/enrollment/enrollment-token.js';
import { tokenStatus } from '../../domain/enrollment/enrollment-token.js';
import { parseDuration } from '../../domain/duration.js';
import { IsoDateTime, toIso, toIsoOrNull } from './common.js';
import { Tag } from './devices.js';

export const MAX_TOKEN_LIFETIME_MS = 366 * 86_400_000;

export const EnrollmentTokenDto = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'expired', 'revoked', 'exhausted']),
  createdBy: z.string(),
  createdAt: IsoDateTime,
  expiresAt: IsoDateTime,
  maxUses: z.number().int(),
  uses: z.number().int(),
  revokedAt: IsoDateTime.nullable(),
  revokedBy: z.string().nullable(),
  tags: z.array(z.string()),
});

export const CreatedEnrollmentTokenDto = EnrollmentTokenDto.extend({
  token: z.string().describe('The enrollment secret (pwe_…): shown once, only its hash is kept'),
});

export function enrollmentTokenDto(t: EnrollmentToken, now: Date): z.infer<typeof EnrollmentTokenDto> {
  return {
    id: t.id,
    name: t.name,
    status: tokenStatus(t, now),
    createdBy: t.createdBy,
    createdAt: toIso(t.createdAt),
    expiresAt: toIso(t.expiresAt),
    maxUses: t.maxUses,
    uses: t.uses,
    revokedAt: toIsoOrNull(t.revokedAt),
    revokedBy: t.revokedBy,
    tags: t.tags,
  };
}

const Duration = z
  .string()
  .max(16)
  .refine((s) => parseDuration(s) !== null, { message: 'expected a duration like 90m, 24h, 7d or 2w' })
  .refine((s) => (parseDuration(s) ?? 0) <= MAX_TOKEN_LIFETIME_MS, { message: 'at most 366 days' });

export const CreateEnrollmentTokenBody = z
  .object({
    name: z.string().trim().min(1).max(128).default('enrollment token'),
    expiresIn: Duration.optional().describe('Lifetime from now (default 24h)'),
    expiresAt: IsoDateTime.optional().describe('Absolute expiry instead of expiresIn'),
    maxUses: z.number().int().min(1).max(100_000).default(1).describe('Devices that may enroll with it (default 1)'),
    tags: z.array(Tag).max(64).default([]).describe('Tags given to every device enrolled with it'),
  })
  .strict()
  .refine((b) => !(b.expiresIn && b.expiresAt), { message: 'give expiresIn or expiresAt, not both', path: ['expiresAt'] });
