import { PatchwaveError } from '@patchwave/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Page } from '../paging.js';
import { bearerToken, hashSecret, hasPrefix } from '../secrets.js';
import type { Repositories, Store } from '../store.js';
import type { Device } from './device.js';
import { normalizeTags } from './device.js';
import type { DevicePatch, DeviceQuery } from './device-repository.js';
import type { FleetStats } from './fleet-stats.js';

const DAY_MS = 86_400_000;

/** A device list query as operators phrase it: "not seen for N days" rather than an instant. */
export interface DeviceListRequest extends Omit<DeviceQuery, 'lastSeenBefore'> {
  notSeenForDays?: number;
}

/** Told after an operator's edit of a device committed (findings are rescored on criticality and tags). */
export type DeviceUpdatedListener = (event: { before: Device; after: Device; actor: string }) => Promise<void>;

/** Operator-facing device reads and edits, and the agent credential check. */
export class DeviceService {
  private readonly updatedListeners: DeviceUpdatedListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** Adds a listener; each runs in turn after an update is stored, and must handle its own errors. */
  onUpdated(listener: DeviceUpdatedListener): void {
    this.updatedListeners.push(listener);
  }

  list(request: DeviceListRequest): Promise<Page<Device>> {
    const { notSeenForDays, ...query } = request;
    if (notSeenForDays === undefined) return this.store.devices.list(query);
    return this.store.devices.list({ ...query, lastSeenBefore: new Date(this.clock.now().getTime() - notSeenForDays * DAY_MS) });
  }

  /** Fleet counts for dashboards; `staleDays` decides what "not seen recently" means. */
  async stats(staleDays: number, lastSeenBandHours: readonly number[], osLimit = 20): Promise<FleetStats & { at: Date }> {
    const now = this.clock.now();
    const stats = await this.store.devices.stats({ now, staleBefore: new Date(now.getTime() - staleDays * DAY_MS), lastSeenBandHours, osLimit });
    return { ...stats, at: now };
  }

  async get(id: string): Promise<Device> {
    const device = await this.store.devices.get(id);
    if (!device) throw new PatchwaveError('E_NOT_FOUND', `device ${id} not found`);
    return device;
  }

  async update(id: string, patch: DevicePatch, actor: string): Promise<Device> {
    const normalized: DevicePatch = { ...patch };
    if (patch.tags) normalized.tags = normalizeTags(patch.tags);
    const { before, after } = await this.store.transaction(async (tx: Repositories) => {
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
      return { before, after };
    });
    for (const listener of this.updatedListeners) await listener({ before, after, actor });
    return after;
  }

  /** An agent said hello: remember when and with which agent version; returns the device after it. */
  async recordHello(id: string, agentVersion: string): Promise<Device> {
    await this.store.devices.touch(id, this.clock.now(), agentVersion);
    return this.get(id);
  }

  /** These devices were heard from (a batch of the last interval's frames): now is their last sign of life. */
  touchMany(ids: readonly string[]): Promise<void> {
    return ids.length === 0 ? Promise.resolve() : this.store.devices.touchMany(ids, this.clock.now());
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
