import { PatchwaveError } from '@patchwave/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Page } from '../paging.js';
import { bearerToken, hashSecret, hasPrefix } from '../secrets.js';
import type { Repositories, Store } from '../store.js';
import type { Device } from './device.js';
import { normalizeTags } from './device.js';
import type { DevicePatch, DeviceQuery } from './device-repository.js';

/** Operator-facing device reads and edits, and the agent credential check. */
export class DeviceService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  list(query: DeviceQuery): Promise<Page<Device>> {
    return this.store.devices.list(query);
  }

  async get(id: string): Promise<Device> {
    const device = await this.store.devices.get(id);
    if (!device) throw new PatchwaveError('E_NOT_FOUND', `device ${id} not found`);
    return device;
  }

  async update(id: string, patch: DevicePatch, actor: string): Promise<Device> {
    const normalized: DevicePatch = { ...patch };
    if (patch.tags) normalized.tags = normalizeTags(patch.tags);
    return this.store.transaction(async (tx: Repositories) => {
      const before = await tx.devices.get(id);
      if (!before) throw new PatchwaveError('E_NOT_FOUND', `device ${id} not found`);
      const after = await tx.devices.update(id, normalized);
      if (!after) throw new PatchwaveError('E_NOT_FOUND', `device ${id} not found`);
      await this.audit.record(tx.audit, {
        actor,
        action: 'device.update',
        target: `device:${id}`,
        details: {
          hostname: after.hostname,
          ...(normalized.tags ? { tags: { from: before.tags, to: after.tags } } : {}),
          ...(normalized.criticality ? { criticality: { from: before.criticality, to: after.criticality } } : {}),
        },
      });
      return after;
    });
  }

  /** An agent said hello: remember when and with which agent version; returns the device after it. */
  async recordHello(id: string, agentVersion: string): Promise<Device> {
    await this.store.devices.touch(id, this.clock.now(), agentVersion);
    return this.get(id);
  }

  /** Any frame from the agent counts as a sign of life. */
  touch(id: string): Promise<void> {
    return this.store.devices.touch(id, this.clock.now());
  }

  /**
   * The device a `pwa_` credential belongs to, from an Authorization header; null when the header
   * is missing, malformed or names no device.
   */
  async authenticateAgent(authorization: string | undefined): Promise<Device | null> {
    const secret = bearerToken(authorization);
    if (!secret || !hasPrefix(secret, 'agent')) return null;
    const device = await this.store.devices.findByCredentialHash(hashSecret(secret));
    if (device) await this.store.devices.touch(device.id, this.clock.now());
    return device;
  }
}
