import type { EnrollmentTokenView } from '@patchwave/shared';
import { CreateEnrollmentTokenFields } from '@patchwave/shared';
import { z } from 'zod';
import type { EnrollmentToken } from '../../domain/enrollment/enrollment-token.js';
import { tokenStatus } from '../../domain/enrollment/enrollment-token.js';
import { parseDuration } from '../../domain/duration.js';
import { toIso, toIsoOrNull } from './common.js';

export const MAX_TOKEN_LIFETIME_MS = 366 * 86_400_000;

/** The DTOs are the shared API schemas (`@patchwave/shared`, `api/enrollment-tokens.ts`). */
export { CreatedEnrollmentToken as CreatedEnrollmentTokenDto, EnrollmentTokenView as EnrollmentTokenDto } from '@patchwave/shared';

export function enrollmentTokenDto(t: EnrollmentToken, now: Date): EnrollmentTokenView {
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
    requiresApproval: t.requiresApproval,
  };
}

const Duration = z
  .string()
  .max(16)
  .refine((s) => parseDuration(s) !== null, { message: 'expected a duration like 90m, 24h, 7d or 2w' })
  .refine((s) => (parseDuration(s) ?? 0) <= MAX_TOKEN_LIFETIME_MS, { message: 'at most 366 days' });

export const CreateEnrollmentTokenBody = CreateEnrollmentTokenFields.extend({ expiresIn: Duration.optional().describe('Lifetime from now (default 24h)') })
  .strict()
  .refine((b) => !(b.expiresIn && b.expiresAt), { message: 'give expiresIn or expiresAt, not both', path: ['expiresAt'] });
