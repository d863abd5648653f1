import { PatchwaveError } from '@patchwave/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Device } from '../devices/device.js';
import { bearerToken, generateSecret, hashSecret, hasPrefix } from '../secrets.js';
import type { Store } from '../store.js';
import type { DeviceTrust } from './device-trust.js';

export type AgentAuthentication =
  | { ok: true; device: Device; trust: DeviceTrust }
  | { ok: false; reason: 'no credential' | 'unknown credential' | 'revoked'; deviceId: string | null };

/**
 * Agent identity: the credential check of every agent connection, approval of devices enrolled
 * with a token that requires it, revocation, and credential rotation (issue a new credential, accept
 * old and new until the agent confirms the new one, then only the new one).
 */
export class AgentIdentityService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** The device behind an `Authorization: Bearer pwa_…` header, or why there is none. */
  async authenticate(authorization: string | undefined): Promise<AgentAuthentication> {
    const secret = bearerToken(authorization);
    if (!secret) return { ok: false, reason: 'no credential', deviceId: null };
    if (!hasPrefix(secret, 'agent')) return { ok: false, reason: 'unknown credential', deviceId: null };
    const match = await this.store.agentCredentials.findByCredentialHash(hashSecret(secret));
    if (!match) return { ok: false, reason: 'unknown credential', deviceId: null };
    if (match.trust.credentialRevokedAt) return { ok: false, reason: 'revoked', deviceId: match.deviceId };
    let trust = match.trust;
    if (match.matched === 'pending') {
      // The agent stored the new credential and connects with it: the rotation is confirmed.
      trust = await this.confirmRotation(match.deviceId, 'used');
    }
    const device = await this.store.devices.get(match.deviceId);
    if (!device) return { ok: false, reason: 'unknown credential', deviceId: match.deviceId };
    await this.store.devices.touch(device.id, this.clock.now());
    return { ok: true, device, trust };
  }

  async trustOf(deviceId: string): Promise<DeviceTrust> {
    const trust = await this.store.agentCredentials.getTrust(deviceId);
    if (!trust) throw new PatchwaveError('E_NOT_FOUND', `device ${deviceId} not found`);
    return trust;
  }

  async approve(deviceId: string, actor: string): Promise<DeviceTrust> {
    return this.store.transaction(async (tx) => {
      const before = await tx.agentCredentials.getTrust(deviceId);
      if (!before) throw new PatchwaveError('E_NOT_FOUND', `device ${deviceId} not found`);
      if (before.credentialRevokedAt) throw new PatchwaveError('E_CONFLICT', `device ${deviceId} has a revoked credential; enroll it again instead`);
      if (before.approved) return before;
      const after = (await tx.agentCredentials.approve(deviceId, this.clock.now(), actor)) as DeviceTrust;
      await this.audit.record(tx.audit, { actor, action: 'device.approve', target: `device:${deviceId}` });
      return after;
    });
  }

  /** Revokes the credential (the caller closes the live connection); the next connect gets 401. */
  async revoke(deviceId: string, actor: string, reason?: string): Promise<DeviceTrust> {
    return this.store.transaction(async (tx) => {
      const before = await tx.agentCredentials.getTrust(deviceId);
      if (!before) throw new PatchwaveError('E_NOT_FOUND', `device ${deviceId} not found`);
      const after = (await tx.agentCredentials.revoke(deviceId, this.clock.now(), actor)) as DeviceTrust;
      if (!before.credentialRevokedAt) {
        await this.audit.record(tx.audit, { actor, action: 'device.credential.revoke', target: `device:${deviceId}`, details: reason ? { reason } : {} });
      }
      return after;
    });
  }

  /** Records that an operator wants a new credential for the device (delivered now or at its next connection). */
  async requestRotation(deviceId: string, actor: string): Promise<DeviceTrust> {
    return this.store.transaction(async (tx) => {
      const before = await tx.agentCredentials.getTrust(deviceId);
      if (!before) throw new PatchwaveError('E_NOT_FOUND', `device ${deviceId} not found`);
      if (before.credentialRevokedAt) throw new PatchwaveError('E_CONFLICT', `device ${deviceId} has a revoked credential; it cannot be rotated`);
      const after = (await tx.agentCredentials.requestRotation(deviceId, this.clock.now())) as DeviceTrust;
      await this.audit.record(tx.audit, { actor, action: 'device.credential.rotate-requested', target: `device:${deviceId}` });
      return after;
    });
  }

  /**
   * Issues the new credential of a requested rotation, to be sent to the agent now: its hash is
   * stored as pending (the current one keeps working until the agent confirms). Returns the secret.
   */
  async issueRotation(deviceId: string): Promise<string> {
    const trust = await this.trustOf(deviceId);
    if (!trust.rotationRequestedAt) throw new PatchwaveError('E_CONFLICT', `no credential rotation was requested for device ${deviceId}`);
    const credential = generateSecret('agent');
    await this.store.agentCredentials.setPendingCredential(deviceId, hashSecret(credential));
    return credential;
  }

  /** The agent acknowledged (or used) the new credential: the old one stops working. */
  async confirmRotation(deviceId: string, how: 'acknowledged' | 'used'): Promise<DeviceTrust> {
    return this.store.transaction(async (tx) => {
      const promoted = await tx.agentCredentials.promotePending(deviceId, this.clock.now());
      const trust = await tx.agentCredentials.getTrust(deviceId);
      if (!trust) throw new PatchwaveError('E_NOT_FOUND', `device ${deviceId} not found`);
      if (promoted) {
        await this.audit.record(tx.audit, { actor: `device:${deviceId}`, action: 'device.credential.rotated', target: `device:${deviceId}`, details: { confirmedBy: how } });
      }
      return trust;
    });
  }
}
