import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import {
  AGENT_WS_PATH,
  LIMITS,
  PROTOCOL_VERSION,
  agentFrame,
  parseServerFrame,
  type AgentMessage,
  type ErrorCode,
  type ErrorFrame,
  type Inventory,
  type ServerMessage,
  type ServerWelcome,
} from '@patchwave/shared';
import type { Logger } from 'pino';
import type { ConnectionOptions } from 'node:tls';
import WebSocket from 'ws';
import { chooseReport } from '../inventory/report.js';
import { inventoryHash } from '../inventory/hash.js';
import type { InventoryBase } from '../state/state-store.js';
import { Backoff, type RandomSource } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';

/** Where the connection keeps the last acknowledged inventory (StateStore implements it). */
export interface InventoryBaseStore {
  readInventoryBase(): Promise<InventoryBase | undefined>;
  writeInventoryBase(base: InventoryBase): Promise<void>;
  /** Resolves once every write started so far has finished. */
  settled(): Promise<void>;
}

export interface AgentConnectionOptions {
  serverUrl: string;
  credential: string;
  agentVersion: string;
  capabilities?: string[];
  collectInventory: () => Promise<Inventory>;
  store: InventoryBaseStore;
  inventoryIntervalMs: number;
  clock: Clock;
  random: RandomSource;
  log: Logger;
  /** A connection that lasted this long resets the backoff. Default 60 s. */
  stableAfterMs?: number;
  backoff?: { baseMs?: number; capMs?: number };
  /** How long to wait for server.welcome after the socket opened. Default 30 s. */
  welcomeTimeoutMs?: number;
  /**
   * TLS options for each connection attempt (certificate pinning: PATCHWAVE_SERVER_FINGERPRINT);
   * a rejection skips the attempt and retries after backoff, without sending the credential.
   */
  tlsOptions?: () => Promise<AgentTlsOptions>;
}

/** The TLS settings a connection may add (a pinned certificate as trust anchor, an identity check). */
export type AgentTlsOptions = Pick<ConnectionOptions, 'ca' | 'checkServerIdentity' | 'rejectUnauthorized'>;

export interface ConnectionEvents {
  open: [];
  welcome: [ServerWelcome['payload']];
  report: [{ id: string; kind: 'full' | 'delta'; hash: string; reason: string }];
  'inventory-unchanged': [{ hash: string }];
  ack: [{ of: string; hash: string }];
  'server-error': [ErrorFrame['payload']];
  'frame-error': [{ code: ErrorCode; message: string }];
  unauthorized: [{ status: number }];
  close: [{ code: number; reason: string }];
  reconnect: [{ delayMs: number; attempt: number }];
  'cycle-error': [Error];
  /** The server's TLS certificate did not match the pinned fingerprint (or could not be checked). */
  'tls-error': [Error];
  /**
   * A valid server frame the connection does not handle itself (jobs), and acks of frames it did
   * not send itself (job results); the second argument is the frame's text as received (a job's
   * signature covers the job exactly as sent).
   */
  frame: [ServerMessage, string];
}

interface Pending {
  hash: string;
  inventory: Inventory;
  kind: 'full' | 'delta';
}

/** The WebSocket URL for a server URL: http→ws, https→wss, keeping any path prefix. */
export function agentSocketUrl(serverUrl: string): string {
  const url = new URL(serverUrl.replace(/\/+$/, '') + AGENT_WS_PATH);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * The agent's one connection to the server, protocol v1: hello → welcome → inventory (full, delta
 * or nothing, by content hash) → heartbeats, re-inventory on a schedule, reconnect with full-jitter
 * backoff when the server goes away. All timing runs on the injected clock.
 */
export class AgentConnection extends EventEmitter<ConnectionEvents> {
  private ws: WebSocket | undefined;
  private stopped = false;
  private base: InventoryBase | undefined;
  /** What the server holds: from welcome, then the hash of every acked report. */
  private serverHash: string | null | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly backoff: Backoff;
  private timers: Record<'heartbeat' | 'inventory' | 'stable' | 'reconnect' | 'welcome', TimerHandle | undefined> = {
    heartbeat: undefined,
    inventory: undefined,
    stable: undefined,
    reconnect: undefined,
    welcome: undefined,
  };
  private heartbeatMs = 60_000;
  private peerAlive = true;
  private cycle: Promise<void> | undefined;
  private rerun = false;
  /** Hash of the inventory the last cycle collected (null when it failed). */
  private lastHash: string | null = null;
  private readonly log: Logger;
  private credential: string;

  constructor(private readonly options: AgentConnectionOptions) {
    super();
    this.credential = options.credential;
    this.log = options.log.child({ component: 'connection' });
    this.backoff = new Backoff({ ...options.backoff, random: options.random });
  }

  /** Loads the acknowledged inventory and connects; reconnects by itself until stop(). */
  async start(): Promise<void> {
    this.base = await this.options.store.readInventoryBase();
    this.connect();
  }

  /** Closes the connection (1000) and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'agent stopping');
      });
    }
    await this.cycle;
    // An acknowledgement read just before the close may still be saving the new base.
    await this.options.store.settled();
  }

  /** Collects and reports now (a rescan); a cycle already running is not doubled. */
  rescan(): Promise<void> {
    if (this.cycle) {
      // A cycle is running (perhaps for a connection that is gone): run once more after it.
      this.rerun = true;
      return this.cycle;
    }
    this.cycle = (async () => {
      do {
        this.rerun = false;
        await this.inventoryCycle();
      } while (this.rerun && !this.stopped);
    })().finally(() => {
      this.cycle = undefined;
    });
    return this.cycle;
  }

  /**
   * Collects the inventory now, reports it when connected, and returns its hash (null when the
   * collection failed): the evidence a job result points to.
   */
  async reinventory(): Promise<string | null> {
    await this.rescan();
    return this.lastHash;
  }

  /** Sends a frame on the current connection (job results later); false when not connected. */
  sendFrame(frame: AgentMessage): boolean {
    return this.ws ? this.send(this.ws, frame) : false;
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Uses `credential` from the next connection on (after a rotation the agent stored). */
  setCredential(credential: string): void {
    this.credential = credential;
  }

  private connect(): void {
    if (this.stopped) return;
    if (!this.options.tlsOptions) {
      this.open({});
      return;
    }
    // TLS pinning: the server's certificate is checked before the credential is ever sent.
    this.options.tlsOptions().then(
      (tls) => this.open(tls),
      (err: unknown) => {
        this.log.error({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'TLS check of the server failed; not connecting');
        this.emit('tls-error', err as Error);
        this.retryLater(0, 'TLS check failed');
      },
    );
  }

  private open(tls: AgentTlsOptions): void {
    if (this.stopped) return;
    const url = agentSocketUrl(this.options.serverUrl);
    this.log.debug({ url }, 'connecting');
    const ws = new WebSocket(url, {
      ...(tls as WebSocket.ClientOptions),
      headers: { Authorization: `Bearer ${this.credential}` },
      handshakeTimeout: 30_000,
      maxPayload: LIMITS.maxFrameBytes,
    });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data, isBinary) => this.onMessage(ws, data, isBinary));
    ws.on('pong', () => {
      this.peerAlive = true;
    });
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      if (status === 401 || status === 403) {
        this.log.error({ status, code: 'E_CREDENTIAL_INVALID' }, 'server refused the agent credential; the device may have been removed or its credential revoked');
        this.emit('unauthorized', { status });
      } else if (status === 409) {
        this.log.error({ status, code: 'E_DUPLICATE_CONNECTION' }, 'server refused a second connection of this device: another agent uses the same credential (a cloned machine?) or the previous connection is not closed yet');
      } else {
        this.log.warn({ status }, 'server answered the WebSocket upgrade with an HTTP error');
      }
      ws.terminate();
    });
    ws.on('error', (err) => this.log.warn({ err: { message: err.message } }, 'connection error'));
    ws.on('close', (code, reason) => this.onClose(ws, code, reason.toString()));
  }

  private onOpen(ws: WebSocket): void {
    this.log.info({ server: this.options.serverUrl }, 'connected; saying hello');
    this.emit('open');
    this.peerAlive = true;
    this.send(
      ws,
      agentFrame('agent.hello', {
        protocolVersion: PROTOCOL_VERSION,
        agentVersion: this.options.agentVersion,
        capabilities: this.options.capabilities ?? [],
        ...(this.base ? { inventoryHash: this.base.hash } : {}),
      }),
    );
    this.timers.welcome = this.options.clock.setTimeout(() => {
      this.log.warn('no server.welcome in time; reconnecting');
      ws.terminate();
    }, this.options.welcomeTimeoutMs ?? 30_000);
  }

  private onMessage(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    this.peerAlive = true;
    const text = isBinary ? '' : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = isBinary ? { ok: false as const, code: 'E_BAD_FRAME' as const, message: 'binary frames are not part of protocol v1' } : parseServerFrame(text);
    if (!parsed.ok) {
      this.log.warn({ code: parsed.code, reason: parsed.message }, 'ignoring a bad frame from the server');
      this.emit('frame-error', { code: parsed.code, message: parsed.message });
      this.send(ws, agentFrame('error', { code: parsed.code, message: parsed.message.slice(0, LIMITS.message), ...(parsed.of ? { of: parsed.of } : {}) }));
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'server.welcome':
        this.onWelcome(ws, frame.payload);
        break;
      case 'ack':
        if (!this.pending.has(frame.payload.of)) this.emit('frame', frame, text);
        void this.onAck(frame.payload.of);
        break;
      case 'error':
        this.onServerError(frame.payload);
        break;
      default:
        // Frames handled elsewhere (job.offer, job.cancel: the job runner listens here).
        this.emit('frame', frame, text);
    }
  }

  private onWelcome(ws: WebSocket, welcome: ServerWelcome['payload']): void {
    this.options.clock.clearTimeout(this.timers.welcome);
    this.log.info({ deviceId: welcome.deviceId, serverVersion: welcome.serverVersion, heartbeatSeconds: welcome.heartbeatSeconds }, 'welcomed by the server');
    this.serverHash = welcome.inventoryHash;
    this.heartbeatMs = welcome.heartbeatSeconds * 1000;
    this.emit('welcome', welcome);
    this.scheduleHeartbeat(ws);
    this.options.clock.clearTimeout(this.timers.stable);
    this.timers.stable = this.options.clock.setTimeout(() => this.backoff.reset(), this.options.stableAfterMs ?? 60_000);
    void this.rescan();
  }

  private scheduleHeartbeat(ws: WebSocket): void {
    this.options.clock.clearTimeout(this.timers.heartbeat);
    this.timers.heartbeat = this.options.clock.setTimeout(() => {
      if (ws !== this.ws || ws.readyState !== WebSocket.OPEN) return;
      if (!this.peerAlive) {
        this.log.warn({ afterMs: this.heartbeatMs }, 'server did not answer since the last heartbeat; reconnecting');
        ws.terminate();
        return;
      }
      this.peerAlive = false;
      ws.ping();
      this.send(ws, agentFrame('heartbeat', { ...(this.base ? { inventoryHash: this.base.hash } : {}), uptimeSeconds: os.uptime() }));
      this.scheduleHeartbeat(ws);
    }, this.heartbeatMs);
  }

  private scheduleInventory(): void {
    this.options.clock.clearTimeout(this.timers.inventory);
    if (this.stopped || !this.connected) return;
    this.timers.inventory = this.options.clock.setTimeout(() => void this.rescan(), this.options.inventoryIntervalMs);
  }

  private async inventoryCycle(): Promise<void> {
    const ws = this.ws;
    this.lastHash = null;
    try {
      const inventory = await this.options.collectInventory();
      const hash = inventoryHash(inventory);
      this.lastHash = hash;
      if (!ws || ws !== this.ws || ws.readyState !== WebSocket.OPEN) return;
      if ([...this.pending.values()].some((p) => p.hash === hash)) return;
      const choice = chooseReport(inventory, hash, this.base, this.serverHash);
      if (choice.kind === 'none') {
        if (this.base?.hash !== hash) {
          // The server holds exactly this inventory (our base file was lost or older): adopt it as
          // the acknowledged base so that the next change goes out as a delta.
          this.base = { hash, packages: inventory.packages, ackedAt: new Date(this.options.clock.now()).toISOString() };
          await this.options.store.writeInventoryBase(this.base);
        }
        this.log.debug({ hash }, 'inventory unchanged');
        this.emit('inventory-unchanged', { hash });
        return;
      }
      this.sendReport(ws, choice.kind, choice.payload, inventory, hash, choice.reason);
    } catch (err) {
      this.log.error({ err }, 'inventory collection failed; will try again at the next interval');
      this.emit('cycle-error', err as Error);
    } finally {
      if (ws === this.ws) this.scheduleInventory();
    }
  }

  private sendReport(ws: WebSocket, kind: 'full' | 'delta', payload: Parameters<typeof agentFrame<'inventory.report'>>[1], inventory: Inventory, hash: string, reason: string): void {
    const id = randomUUID();
    const frame = agentFrame('inventory.report', payload, id);
    this.pending.set(id, { hash, inventory, kind });
    this.log.info({ kind, hash, packages: inventory.packages.length, updates: inventory.updates.length, reason }, 'sending inventory');
    if (this.send(ws, frame)) this.emit('report', { id, kind, hash, reason });
    else this.pending.delete(id);
  }

  private async onAck(of: string): Promise<void> {
    const pending = this.pending.get(of);
    if (!pending) return;
    this.pending.delete(of);
    this.base = { hash: pending.hash, packages: pending.inventory.packages, ackedAt: new Date(this.options.clock.now()).toISOString() };
    this.serverHash = pending.hash;
    try {
      await this.options.store.writeInventoryBase(this.base);
    } catch (err) {
      this.log.error({ err }, 'could not save the acknowledged inventory; the next start sends a full one');
    }
    this.log.info({ hash: pending.hash, kind: pending.kind }, 'inventory acknowledged');
    this.emit('ack', { of, hash: pending.hash });
  }

  private onServerError(error: ErrorFrame['payload']): void {
    this.emit('server-error', error);
    const pending = error.of ? this.pending.get(error.of) : undefined;
    if (!pending || !error.of) {
      this.log.warn({ code: error.code, message: error.message, of: error.of }, 'server reported an error');
      return;
    }
    this.pending.delete(error.of);
    const ws = this.ws;
    if (error.code === 'E_INVENTORY_BASE_MISMATCH' && ws) {
      this.log.info({ hash: pending.hash }, 'server does not hold our base inventory; sending it whole');
      this.serverHash = null;
      this.sendReport(ws, 'full', { kind: 'full', hash: pending.hash, inventory: pending.inventory }, pending.inventory, pending.hash, 'base mismatch');
      return;
    }
    this.log.error({ code: error.code, message: error.message, kind: pending.kind }, 'server rejected an inventory report; retrying at the next interval');
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.clearTimers();
    this.pending.clear();
    this.ws = undefined;
    this.emit('close', { code, reason });
    this.retryLater(code, reason);
  }

  private retryLater(code: number, reason: string): void {
    if (this.stopped) return;
    const attempt = this.backoff.attempts + 1;
    const delayMs = this.backoff.next();
    this.log.info({ code, reason, delayMs, attempt }, 'disconnected; reconnecting after backoff');
    this.timers.reconnect = this.options.clock.setTimeout(() => this.connect(), delayMs);
    this.emit('reconnect', { delayMs, attempt });
  }

  private send(ws: WebSocket, frame: AgentMessage): boolean {
    if (ws.readyState !== WebSocket.OPEN) return false;
    const text = JSON.stringify(frame);
    if (Buffer.byteLength(text) > LIMITS.maxFrameBytes) {
      this.log.error({ type: frame.type, bytes: Buffer.byteLength(text), limit: LIMITS.maxFrameBytes }, 'frame is larger than the protocol allows; not sent');
      return false;
    }
    ws.send(text);
    return true;
  }

  private clearTimers(): void {
    for (const key of Object.keys(this.timers) as (keyof typeof this.timers)[]) {
      this.options.clock.clearTimeout(this.timers[key]);
      this.timers[key] = undefined;
    }
  }
}
