import { randomUUID } from 'node:crypto';
import type { AvailableUpdate, DeploymentSpecInput, InstalledPackage, JobResultPayload, ServerMessage } from '@patchwave/shared';
import { Inventory as InventorySchema } from '@patchwave/shared';
import { pino } from 'pino';
import { AuditLog } from '../domain/audit/audit-log.js';
import { ManualClock } from '../domain/clock.js';
import type { Operator } from '../domain/deployments/context.js';
import { DeploymentEventBus, type SequencedDeploymentEvent } from '../domain/deployments/deployment-events.js';
import { createDeploymentServices, type DeploymentServices } from '../domain/deployments/deployment-services.js';
import type { DeviceJobRecord } from '../domain/deployments/ports.js';
import type { AgentLinks, LoopTimers } from '../domain/deployments/runtime-ports.js';
import { inventoryHash } from '../domain/inventory/inventory-hash.js';
import { InventoryService } from '../domain/inventory/inventory-service.js';
import { sampleFacts, sampleNewDevice } from './facts.js';
import { openTempStore, type TempStore } from './temp-store.js';

/** Agent links the test controls: which devices are connected, and every frame sent to each. */
export class RecordingLinks implements AgentLinks {
  readonly online = new Set<string>();
  readonly sent = new Map<string, ServerMessage[]>();
  /** Devices whose agent announced no capabilities beyond `jobs` (an older agent). */
  readonly jobsOnly = new Set<string>();

  canRunJobs(deviceId: string): boolean {
    return this.online.has(deviceId);
  }

  isOnline(deviceId: string): boolean {
    return this.online.has(deviceId);
  }

  hasCapability(deviceId: string, capability: string): boolean {
    return this.online.has(deviceId) && (capability === 'jobs' || !this.jobsOnly.has(deviceId));
  }

  send(deviceId: string, frame: ServerMessage): boolean {
    if (!this.online.has(deviceId)) return false;
    this.sent.set(deviceId, [...(this.sent.get(deviceId) ?? []), frame]);
    return true;
  }

  /** Frames of one type sent to a device. */
  framesOf<T extends ServerMessage['type']>(deviceId: string, type: T): Extract<ServerMessage, { type: T }>[] {
    return (this.sent.get(deviceId) ?? []).filter((f): f is Extract<ServerMessage, { type: T }> => f.type === type);
  }

  offers(deviceId: string) {
    return this.framesOf(deviceId, 'job.offer').map((f) => f.payload.job);
  }
}

/** Timers that never fire: the tests drive `tick()` themselves. */
export const idleTimers: LoopTimers = { setTimeout: () => null, clearTimeout: () => undefined };

export interface SimDevice {
  id: string;
  hostname: string;
  tags: string[];
}

export interface DeploymentHarness {
  temp: TempStore;
  clock: ManualClock;
  links: RecordingLinks;
  events: SequencedDeploymentEvent[];
  services: DeploymentServices;
  alice: Operator;
  bob: Operator;
  /** Enrolls a device with an inventory: `openssl` 1.0 installed, 1.1 available as a security update. */
  device(hostname: string, tags?: string[], updates?: AvailableUpdate[]): Promise<SimDevice>;
  create(spec: DeploymentSpecInput, by?: Operator): Promise<string>;
  /** A succeeded (or other) result as the agent would send it for an apply job. */
  result(job: DeviceJobRecord, status?: JobResultPayload['status'], extra?: Partial<JobResultPayload>): JobResultPayload;
  /** Services over the same database, as after a server restart. */
  restart(): DeploymentServices;
  close(): Promise<void>;
}

export const OPENSSL_UPDATE: AvailableUpdate = {
  manager: 'apt',
  name: 'openssl',
  arch: 'amd64',
  installedVersion: '1.0',
  candidateVersion: '1.1',
  security: true,
  advisories: ['DSA-1-1'],
  cves: ['CVE-2024-0001'],
};

export async function openDeploymentHarness(start = '2026-03-02T10:00:00.000Z'): Promise<DeploymentHarness> {
  const temp = await openTempStore();
  const clock = new ManualClock(start);
  const links = new RecordingLinks();
  const events: SequencedDeploymentEvent[] = [];
  const log = pino({ level: 'silent' });
  const audit = new AuditLog(temp.store.audit, clock);
  const build = () => {
    const bus = new DeploymentEventBus();
    bus.subscribe('*', (e) => events.push(e));
    return createDeploymentServices({ store: temp.store, audit, clock, links, events: bus, log }, { timers: idleTimers });
  };
  const inventory = new InventoryService(temp.store, clock);
  const harness: DeploymentHarness = {
    temp,
    clock,
    links,
    events,
    services: build(),
    alice: { id: 'alice-token', name: 'alice', actor: 'api-token:alice-token' },
    bob: { id: 'bob-token', name: 'bob', actor: 'api-token:bob-token' },
    async device(hostname, tags = [], updates = [OPENSSL_UPDATE]) {
      const d = await temp.store.devices.insert(sampleNewDevice({ id: randomUUID(), hostname, tags, facts: sampleFacts({ hostname }) }));
      const installed: InstalledPackage[] = updates.map((u) => ({ manager: u.manager, name: u.name, arch: u.arch, version: u.installedVersion ?? '0' }));
      const inv = InventorySchema.parse({ collectedAt: clock.now().toISOString(), facts: sampleFacts({ hostname }), managers: [{ name: 'apt', ok: true }], packages: installed, updates, reboot: { required: false } });
      const stored = await inventory.report(d.id, { kind: 'full', hash: inventoryHash(inv), inventory: inv });
      if (!stored.ok) throw new Error(stored.message);
      return { id: d.id, hostname, tags };
    },
    async create(spec, by = harness.alice) {
      return (await harness.services.commands.create(spec, by)).id;
    },
    result(job, status = 'succeeded', extra = {}) {
      const pkgs = job.job?.action.kind === 'apply' ? job.job.action.packages : [];
      const ok = status === 'succeeded';
      return {
        jobId: job.jobId,
        deviceId: job.deviceId,
        kind: job.kind,
        status,
        ...(ok ? {} : { errorCode: 'E_PKG_SCRIPT_FAILED' as const, message: 'dpkg: error processing package' }),
        finishedAt: clock.now().toISOString(),
        exitCode: ok ? 0 : 100,
        packages: pkgs.map((p) => ({ manager: p.manager, name: p.name, arch: p.arch ?? 'amd64', requested: p.version, before: '1.0', after: ok ? p.version : '1.0', ok })),
        rollbackPlan: pkgs.map((p) => ({ manager: p.manager, name: p.name, arch: p.arch ?? 'amd64', version: '1.0' })),
        reboot: { required: false, performed: false },
        outputTail: '',
        inventoryHash: null,
        ...extra,
      };
    },
    restart() {
      harness.services = build();
      return harness.services;
    },
    async close() {
      await harness.services.loop.stop();
      await temp.cleanup();
    },
  };
  return harness;
}
