import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { LIMITS } from '../limits.js';
import { DeviceFacts } from '../domain/device.js';
import { Inventory, ManagerStatus, PackageDelta } from '../domain/inventory.js';
import { AvailableUpdate } from '../domain/package.js';
import { RebootState } from '../domain/reboot.js';
import { envelope, FrameId } from './envelope.js';
import { AgentRebooted, JobAccepted, JobCancel, JobOffer, JobProgress, JobResult } from './jobs.js';
import { CredentialRotate, SecurityEvent, TrustKeys } from './trust.js';

const Capabilities = z.array(z.string().max(64)).max(64);
/** A content hash: lowercase hex SHA-256 (Hash; the heartbeat fast path checks the same). */
export const HASH_PATTERN = /^[a-f0-9]{64}$/;
const Hash = z.string().regex(HASH_PATTERN, 'expected a lowercase hex SHA-256');

export const AgentHello = envelope(
  'agent.hello',
  z.object({
    protocolVersion: z.number().int().min(1),
    agentVersion: z.string().max(64),
    capabilities: Capabilities,
    /** Hash of the inventory the agent last had acknowledged, if any. */
    inventoryHash: Hash.optional(),
  }),
);

export const ServerWelcome = envelope(
  'server.welcome',
  z.object({
    protocolVersion: z.number().int().min(1),
    serverVersion: z.string().max(64),
    capabilities: Capabilities,
    deviceId: z.string().max(LIMITS.id),
    heartbeatSeconds: z.number().int().min(5).max(3600),
    /** Hash of the inventory the server holds for this device; the agent sends a delta against it. */
    inventoryHash: Hash.nullable(),
  }),
);

const FullInventoryReport = z.object({
  kind: z.literal('full'),
  hash: Hash,
  inventory: Inventory,
});

const DeltaInventoryReport = z.object({
  kind: z.literal('delta'),
  hash: Hash,
  /** Hash of the inventory this delta applies to; a mismatch is answered with E_INVENTORY_BASE_MISMATCH. */
  baseHash: Hash,
  collectedAt: z.string().max(64),
  facts: DeviceFacts,
  managers: z.array(ManagerStatus).max(32),
  packages: PackageDelta,
  /** Updates are always sent whole: they are few and change together. */
  updates: z.array(AvailableUpdate).max(LIMITS.listItems),
  reboot: RebootState,
});

export const InventoryReport = envelope(
  'inventory.report',
  z.discriminatedUnion('kind', [FullInventoryReport, DeltaInventoryReport]),
);

export const Heartbeat = envelope(
  'heartbeat',
  z.object({
    inventoryHash: Hash.optional(),
    uptimeSeconds: z.number().nonnegative().optional(),
  }),
);

export const Ack = envelope('ack', z.object({ of: FrameId }));

/**
 * Capability an agent lists in its hello when it needs no `ack` of its heartbeats: its liveness
 * check rests on the WebSocket pong to the ping it sends with each heartbeat (any frame counts
 * too). An ack per heartbeat was the largest share of an idle server's CPU; agents that do not
 * announce this keep getting them.
 */
export const HEARTBEAT_UNACKED_CAPABILITY = 'heartbeat.unacked';

export const ErrorFrame = envelope(
  'error',
  z.object({
    code: z.enum(ERROR_CODES),
    message: z.string().max(LIMITS.message),
    /** Id of the frame this answers, when it could be read. */
    of: FrameId.optional(),
  }),
);

/** Frames an agent may send. */
export const AgentMessage = z.discriminatedUnion('type', [
  AgentHello,
  InventoryReport,
  Heartbeat,
  Ack,
  ErrorFrame,
  JobAccepted,
  JobProgress,
  JobResult,
  AgentRebooted,
  SecurityEvent,
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

/** Frames a server may send. */
export const ServerMessage = z.discriminatedUnion('type', [ServerWelcome, Ack, ErrorFrame, JobOffer, JobCancel, TrustKeys, CredentialRotate]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export type AgentHello = z.infer<typeof AgentHello>;
export type ServerWelcome = z.infer<typeof ServerWelcome>;
export type InventoryReport = z.infer<typeof InventoryReport>;
export type Heartbeat = z.infer<typeof Heartbeat>;
export type Ack = z.infer<typeof Ack>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
