export interface EnrollmentToken {
  id: string;
  name: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  maxUses: number;
  uses: number;
  revokedAt: Date | null;
  revokedBy: string | null;
  /** Tags every device enrolled with this token receives. */
  tags: string[];
  /** Devices enrolled with it get no jobs until an operator approves them. */
  requiresApproval: boolean;
}

export interface NewEnrollmentToken extends Omit<EnrollmentToken, 'uses' | 'revokedAt' | 'revokedBy'> {
  secretHash: string;
}

export type EnrollmentTokenStatus = 'active' | 'expired' | 'revoked' | 'exhausted';

/** Revocation wins over exhaustion, which wins over expiry: the most deliberate reason is shown. */
export function tokenStatus(token: EnrollmentToken, now: Date): EnrollmentTokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.uses >= token.maxUses) return 'exhausted';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}
