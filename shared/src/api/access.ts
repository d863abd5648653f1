import { z } from 'zod';
import { KeyFingerprint, SigningKeyId } from '../protocol/trust.js';
import { OperatorRole, Password, Username, UserView } from './auth.js';

/**
 * Operator accounts, API tokens, the server's job-signing keys and the trust state of devices, as
 * the REST API (`/api/v1/users`, `/api/v1/api-tokens`, `/api/v1/signing-keys`,
 * `/api/v1/devices/:id/trust|approve|revoke|rotate-credential`) and the CLI see them.
 */

const Timestamp = z.iso.datetime({ offset: true });
const DisplayName = z.string().trim().max(128);
/** `90m`, `24h`, `7d`, `2w`. */
const DurationText = z.string().regex(/^\d{1,6}[mhdw]$/, 'expected a duration like 90m, 24h, 7d or 2w');

export const CreateUserRequest = z
  .object({
    username: Username,
    role: OperatorRole,
    displayName: DisplayName.optional(),
    /** Omit to get a one-time password in the answer; the user must change it at first login. */
    password: Password.optional(),
  })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const UpdateUserRequest = z
  .object({ role: OperatorRole.optional(), displayName: DisplayName.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((b) => b.role !== undefined || b.displayName !== undefined || b.disabled !== undefined, { message: 'give role, displayName or disabled' });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

export const ResetPasswordRequest = z.object({ password: Password.optional() }).strict();
export type ResetPasswordRequest = z.infer<typeof ResetPasswordRequest>;

/** A created user or a reset password: `oneTimePassword` only when the server generated it (shown once). */
export const UserWithPassword = z.object({ user: UserView, oneTimePassword: z.string().nullable() });
export type UserWithPassword = z.infer<typeof UserWithPassword>;

export const ApiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: OperatorRole,
  /** The user the token belongs to, null for tokens created by the system (first start, data-dir recovery). */
  userId: z.string().nullable(),
  createdBy: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});
export type ApiTokenView = z.infer<typeof ApiTokenView>;

export const CreateApiTokenRequest = z
  .object({
    name: z.string().trim().min(1).max(128),
    role: OperatorRole,
    /** Lifetime from now (default 90d); `expiresAt` instead for an instant; `neverExpires` for none. */
    expiresIn: DurationText.optional(),
    expiresAt: Timestamp.optional(),
    neverExpires: z.boolean().optional(),
  })
  .strict()
  .refine((b) => [b.expiresIn, b.expiresAt, b.neverExpires ? true : undefined].filter((v) => v !== undefined).length <= 1, {
    message: 'give at most one of expiresIn, expiresAt and neverExpires',
    path: ['expiresAt'],
  });
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

export const CreatedApiToken = ApiTokenView.extend({ token: z.string().describe('The secret (pwt_…): shown once, only its hash is kept') });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

export const SigningKeyView = z.object({
  keyId: SigningKeyId,
  fingerprint: KeyFingerprint,
  status: z.enum(['current', 'retiring', 'retired', 'revoked']),
  createdAt: Timestamp,
  notAfter: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
  endorsedBy: SigningKeyId.nullable(),
});
export type SigningKeyView = z.infer<typeof SigningKeyView>;

export const RotateSigningKeyRequest = z
  .object({ overlap: DurationText.optional().describe('How long jobs signed by the old key stay valid (default 7d)') })
  .strict();
export type RotateSigningKeyRequest = z.infer<typeof RotateSigningKeyRequest>;

export const DeviceTrustView = z.object({
  deviceId: z.string(),
  approved: z.boolean(),
  approvedAt: Timestamp.nullable(),
  approvedBy: z.string().nullable(),
  credentialRevokedAt: Timestamp.nullable(),
  credentialRevokedBy: z.string().nullable(),
  credentialRotatedAt: Timestamp.nullable(),
  /** A rotation was asked for and the agent has not confirmed the new credential yet. */
  rotationPending: z.boolean(),
  online: z.boolean(),
});
export type DeviceTrustView = z.infer<typeof DeviceTrustView>;

export const RotateCredentialResponse = z.object({
  deviceId: z.string(),
  /** `sent`: the agent is online and got the new credential now; `pending`: it gets it on its next connection. */
  delivery: z.enum(['sent', 'pending']),
});
export type RotateCredentialResponse = z.infer<typeof RotateCredentialResponse>;
