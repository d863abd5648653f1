import { randomUUID } from 'node:crypto';
import type { EnrollRequest, EnrollResponse, ErrorCode } from '@patchwave/shared';
import { PatchwaveError } from '@patchwave/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { normalizeTags } from '../devices/device.js';
import { generateSecret, hashSecret, hasPrefix } from '../secrets.js';
import type { Store } from '../store.js';
import type { EnrollmentToken } from './enrollment-token.js';
import { tokenStatus } from './enrollment-token.js';

export interface CreateEnrollmentToken {
  name: string;
  expiresAt: Date;
  maxUses: number;
  tags: string[];
  /** Devices enrolled with it get no jobs until an operator approves them (default false). */
  requiresApproval?: boolean;
}

export interface CreatedEnrollmentToken {
  token: EnrollmentToken;
  /** The `pwe_…` secret: shown once, only its hash is stored. */
  secret: string;
}

export interface EnrollContext {
  remoteAddress: string;
}

const STATUS_ERRORS: Record<'expired' | 'revoked' | 'exhausted', [ErrorCode, string]> = {
  expired: ['E_TOKEN_EXPIRED', 'enrollment token has expired'],
  revoked: ['E_TOKEN_REVOKED', 'enrollment token was revoked'],
  exhausted: ['E_TOKEN_EXHAUSTED', 'enrollment token has no uses left'],
};

/** Enrollment tokens and the exchange of one for a device and its credential. */
export class EnrollmentService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async createToken(input: CreateEnrollmentToken, actor: string): Promise<CreatedEnrollmentToken> {
    const now = this.clock.now();
    if (input.expiresAt.getTime() <= now.getTime()) {
      throw new PatchwaveError('E_VALIDATION', 'expiresAt must be in the future', { details: { path: 'expiresAt' } });
    }
    const secret = generateSecret('enrollment');
    const token = await this.store.transaction(async (tx) => {
      const created = await tx.enrollmentTokens.insert({
        id: randomUUID(),
        name: input.name,
        createdBy: actor,
        createdAt: now,
        expiresAt: input.expiresAt,
        maxUses: input.maxUses,
        tags: normalizeTags(input.tags),
        requiresApproval: input.requiresApproval ?? false,
        secretHash: hashSecret(secret),
      });
      await this.audit.record(tx.audit, {
        actor,
        action: 'enrollment-token.create',
        target: `enrollment-token:${created.id}`,
        details: { name: created.name, expiresAt: created.expiresAt.toISOString(), maxUses: created.maxUses, tags: created.tags, requiresApproval: created.requiresApproval },
      });
      return created;
    });
    return { token, secret };
  }

  listTokens(): Promise<EnrollmentToken[]> {
    return this.store.enrollmentTokens.list();
  }

  async revokeToken(id: string, actor: string): Promise<EnrollmentToken> {
    return this.store.transaction(async (tx) => {
      const before = await tx.enrollmentTokens.get(id);
      if (!before) throw new PatchwaveError('E_NOT_FOUND', `enrollment token ${id} not found`);
      const after = await tx.enrollmentTokens.revoke(id, this.clock.now(), actor);
      if (!after) throw new PatchwaveError('E_NOT_FOUND', `enrollment token ${id} not found`);
      if (!before.revokedAt) {
        await this.audit.record(tx.audit, {
          actor,
          action: 'enrollment-token.revoke',
          target: `enrollment-token:${id}`,
          details: { name: after.name, uses: after.uses },
        });
      }
      return after;
    });
  }

  /**
   * Exchanges an enrollment token for a new device and its `pwa_` credential. The use is taken,
   * the device created and the audit entry written in one transaction: a refused token creates
   * nothing (its refusal is audited on its own).
   */
  async enroll(request: EnrollRequest, context: EnrollContext): Promise<EnrollResponse> {
    const now = this.clock.now();
    const credential = generateSecret('agent');
    const outcome = await this.store.transaction(async (tx) => {
      const token = hasPrefix(request.token, 'enrollment')
        ? await tx.enrollmentTokens.findBySecretHash(hashSecret(request.token))
        : null;
      if (!token) return { ok: false as const, code: 'E_TOKEN_INVALID' as const, message: 'enrollment token is not valid', tokenId: null };
      const status = tokenStatus(token, now);
      if (status !== 'active' || !(await tx.enrollmentTokens.consumeUse(token.id, now))) {
        const current = status === 'active' ? ((await tx.enrollmentTokens.get(token.id)) ?? token) : token;
        const reason = tokenStatus(current, now);
        const [code, message] = STATUS_ERRORS[reason === 'active' ? 'exhausted' : reason];
        return { ok: false as const, code, message, tokenId: token.id };
      }
      const device = await tx.devices.insert({
        id: randomUUID(),
        hostname: request.facts.hostname,
        facts: request.facts,
        agentVersion: request.agentVersion,
        credentialHash: hashSecret(credential),
        enrollmentTokenId: token.id,
        tags: token.tags,
        criticality: 'medium',
        enrolledAt: now,
      });
      if (token.requiresApproval) await tx.agentCredentials.requireApproval(device.id);
      await this.audit.record(tx.audit, {
        actor: `device:${device.id}`,
        action: 'device.enroll',
        target: `device:${device.id}`,
        details: {
          hostname: device.hostname,
          enrollmentTokenId: token.id,
          tags: device.tags,
          agentVersion: device.agentVersion,
          remoteAddress: context.remoteAddress,
          awaitsApproval: token.requiresApproval,
        },
      });
      return { ok: true as const, deviceId: device.id };
    });
    if (!outcome.ok) {
      await this.audit.record(null, {
        actor: 'anonymous',
        action: 'device.enroll.rejected',
        target: outcome.tokenId ? `enrollment-token:${outcome.tokenId}` : '',
        details: { code: outcome.code, hostname: request.facts.hostname, remoteAddress: context.remoteAddress },
      });
      throw new PatchwaveError(outcome.code, outcome.message);
    }
    return { deviceId: outcome.deviceId, credential };
  }
}
