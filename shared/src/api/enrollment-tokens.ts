import { z } from 'zod';
import { DeviceTag } from './devices.js';

/** Enrollment tokens as `/api/v1/enrollment-tokens` shows them (never their secrets, except once at creation). */

const Timestamp = z.iso.datetime({ offset: true });

export const ENROLLMENT_TOKEN_STATUSES = ['active', 'expired', 'revoked', 'exhausted'] as const;
export const EnrollmentTokenStatus = z.enum(ENROLLMENT_TOKEN_STATUSES);
export type EnrollmentTokenStatus = z.infer<typeof EnrollmentTokenStatus>;

export const EnrollmentTokenView = z.object({
  id: z.string(),
  name: z.string(),
  status: EnrollmentTokenStatus,
  createdBy: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  maxUses: z.number().int(),
  uses: z.number().int(),
  revokedAt: Timestamp.nullable(),
  revokedBy: z.string().nullable(),
  tags: z.array(z.string()),
  /** Devices enrolled with it get no jobs until an operator approves them (`POST /api/v1/devices/:id/approve`). */
  requiresApproval: z.boolean(),
});
export type EnrollmentTokenView = z.infer<typeof EnrollmentTokenView>;

export const CreatedEnrollmentToken = EnrollmentTokenView.extend({
  token: z.string().describe('The enrollment secret (pwe_…): shown once, only its hash is kept'),
});
export type CreatedEnrollmentToken = z.infer<typeof CreatedEnrollmentToken>;

export const EnrollmentTokenList = z.object({ items: z.array(EnrollmentTokenView) });
export type EnrollmentTokenList = z.infer<typeof EnrollmentTokenList>;

/**
 * The body of `POST /api/v1/enrollment-tokens`. The server extends it with what needs its own
 * libraries (the duration grammar of `expiresIn`, the 366-day bound) and refuses unknown keys.
 */
export const CreateEnrollmentTokenFields = z.object({
  name: z.string().trim().min(1).max(128).default('enrollment token'),
  expiresIn: z.string().max(16).optional().describe('Lifetime from now, like 90m, 24h, 7d or 2w (default 24h)'),
  expiresAt: Timestamp.optional().describe('Absolute expiry instead of expiresIn'),
  maxUses: z.number().int().min(1).max(100_000).default(1).describe('Devices that may enroll with it (default 1)'),
  tags: z.array(DeviceTag).max(64).default([]).describe('Tags given to every device enrolled with it'),
  requiresApproval: z.boolean().default(false).describe('Devices enrolled with it get no jobs until an operator approves them'),
});
export type CreateEnrollmentTokenRequest = z.input<typeof CreateEnrollmentTokenFields>;
