import type { AgentMessage, ErrorCode, ServerMessage } from '@patchwave/shared';
import { ackFrameText, HEARTBEAT_UNACKED_CAPABILITY, MIN_PROTOCOL_VERSION, parseAgentFrame, PROTOCOL_VERSION, serverFrame } from '@patchwave/shared';
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { Services } from '../services.js';
import type { AgentLink } from './agent-registry.js';
import type { Pingable } from './liveness-sweep.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Handles one kind of agent frame that the core gateway does not (jobs, reboots: later features).
 * Registered by type; the frame is valid and the agent has said hello.
 */
export type AgentFrameHandler = (frame: AgentMessage, link: AgentLink) => Promise<void>;

export interface AgentConnectionOptions {
  serverVersion: string;
  heartbeatSeconds: number;
  maxBadFrames: number;
  messagesPerSecond: number;
  burst: number;
  /**
   * A connection pinged for being silent (see LivenessSweep) that does not answer within this
   * long is dropped; silent connections are pinged at most this often.
   */
  pingIntervalMs: number;
  /** Monotonic milliseconds (default performance.now); tests drive it. */
  now?: () => number;
  /** Where a valid frame marks its device as heard from (the gateway's LastSeenWriter). */
  lastSeen: { seen(deviceId: string): void };
  /** Handlers for frame types beyond hello, inventory, heartbeat, ack and error. */
  handlers?: ReadonlyMap<string, AgentFrameHandler>;
  /** Called once the agent said hello and the welcome was sent. */
  onHello?: (link: AgentLink, hello: Extract<AgentMessage, { type: 'agent.hello' }>['payload']) => void;
}

/** What the server offers in server.welcome. */
export const SERVER_CAPABILITIES = ['inventory.delta'];

export const CLOSE_POLICY = 1008;

const CLOSE_PROTOCOL = 1002;

/**
 * One agent's WebSocket: frames are parsed with the shared schemas and handled one at a time in
 * arrival order. Every invalid, unknown, out-of-order or over-rate frame is answered with an error
 * frame and counted; too many close the connection with 1008.
 */
export class AgentConnection implements AgentLink, Pingable {
  readonly connectedAt = new Date();
  private badFrames = 0;
  private greeted = false;
  /** The agent said in its hello that it needs no ack of its heartbeats. */
  private heartbeatsUnacked = false;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly bucket: TokenBucket;
  private readonly now: () => number;
  /** When anything last arrived from the agent; read by the gateway's LivenessSweep. */
  lastHeardAt: number;

  constructor(
    readonly deviceId: string,
    private readonly socket: WebSocket,
    private readonly services: Services,
    private readonly metrics: ServerMetrics,
    private readonly log: Logger,
    private readonly options: AgentConnectionOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.lastHeardAt = this.now();
    this.bucket = new TokenBucket(options.messagesPerSecond, options.burst, this.now);
  }

  /** Wires the socket's events; call synchronously in the upgrade handler so no frame is missed. */
  start(onClose: (code: number) => void): void {
    this.socket.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    // The agent pings with every heartbeat; its pings and pongs are signs of life like its frames.
    const heard = () => {
      this.lastHeardAt = this.now();
    };
    this.socket.on('pong', heard);
    this.socket.on('ping', heard);
    this.socket.on('close', (code) => {
      this.closed = true;
      onClose(code);
    });
    this.socket.on('error', (err) => this.log.warn({ err }, 'agent socket error'));
  }

  get badFrameCount(): number {
    return this.badFrames;
  }

  send(frame: ServerMessage): void {
    this.sendText(JSON.stringify(frame));
  }

  private sendText(text: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(text);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }

  ping(): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.ping();
  }

  terminate(): void {
    this.log.info('agent did not answer ping; dropping connection');
    this.socket.terminate();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.lastHeardAt = this.now();
    if (this.closed) return;
    if (!this.bucket.take()) {
      this.rejectFrame('E_RATE_LIMITED', `more than ${this.options.messagesPerSecond} frames per second (burst ${this.options.burst}); frame dropped`);
      return;
    }
    if (isBinary) {
      this.rejectFrame('E_BAD_FRAME', 'binary frames are not accepted; send JSON text frames');
      return;
    }
    const text = data.toString('utf8');
    this.queue = this.queue.then(() => this.handle(text)).catch((err: unknown) => {
      this.log.error({ err }, 'agent frame handling failed');
      this.send(serverFrame('error', { code: 'E_INTERNAL', message: 'the server failed to handle the frame' }));
    });
  }

  private async handle(text: string): Promise<void> {
    if (this.closed) return;
    const parsed = parseAgentFrame(text);
    if (!parsed.ok) {
      this.rejectFrame(parsed.code, parsed.message, parsed.of);
      return;
    }
    const frame = parsed.frame;
    this.metrics.agentFrames.inc({ type: frame.type });
    this.options.lastSeen.seen(this.deviceId);
    if (frame.type !== 'agent.hello' && !this.greeted && frame.type !== 'error') {
      this.rejectFrame('E_BAD_FRAME', `${frame.type} before agent.hello; say hello first`, frame.id);
      return;
    }
    await this.dispatch(frame);
  }

  private async dispatch(frame: AgentMessage): Promise<void> {
    switch (frame.type) {
      case 'agent.hello':
        return this.hello(frame);
      case 'inventory.report':
        return this.report(frame);
      case 'heartbeat':
        if (!this.heartbeatsUnacked) this.sendText(ackFrameText(frame.id));
        return;
      case 'ack': {
        this.log.debug({ of: frame.payload.of }, 'agent acknowledged');
        // Features that wait for the agent to confirm one of their frames (a credential rotation) listen here.
        const onAck = this.options.handlers?.get('ack');
        if (onAck) await onAck(frame, this);
        return;
      }
      case 'error':
        this.log.warn({ code: frame.payload.code, message: frame.payload.message, of: frame.payload.of }, 'agent reported an error');
        return;
      default: {
        const handler = this.options.handlers?.get(frame.type);
        if (handler) return handler(frame, this);
        // A valid frame of a kind this server does not act on (yet): the agent is newer. Not abuse.
        this.log.info({ type: frame.type }, 'agent frame type not handled by this server');
        this.send(serverFrame('error', { code: 'E_NOT_SUPPORTED', message: `this server does not handle ${frame.type}`, of: frame.id }));
      }
    }
  }

  private async hello(frame: Extract<AgentMessage, { type: 'agent.hello' }>): Promise<void> {
    if (frame.payload.protocolVersion < MIN_PROTOCOL_VERSION) {
      this.rejectFrame('E_PROTOCOL_VERSION', `agent protocol ${frame.payload.protocolVersion} is older than the oldest this server serves (${MIN_PROTOCOL_VERSION})`, frame.id);
      this.close(CLOSE_PROTOCOL, 'unsupported protocol version');
      return;
    }
    const device = await this.services.devices.recordHello(this.deviceId, frame.payload.agentVersion);
    this.greeted = true;
    this.heartbeatsUnacked = frame.payload.capabilities.includes(HEARTBEAT_UNACKED_CAPABILITY);
    this.log.info({ agentVersion: frame.payload.agentVersion, capabilities: frame.payload.capabilities }, 'agent said hello');
    this.send(
      serverFrame('server.welcome', {
        protocolVersion: PROTOCOL_VERSION,
        serverVersion: this.options.serverVersion,
        capabilities: SERVER_CAPABILITIES,
        deviceId: this.deviceId,
        heartbeatSeconds: this.options.heartbeatSeconds,
        inventoryHash: device.inventoryHash,
      }),
    );
    this.options.onHello?.(this, frame.payload);
  }

  private async report(frame: Extract<AgentMessage, { type: 'inventory.report' }>): Promise<void> {
    const kind = frame.payload.kind;
    const stop = this.metrics.inventoryApplySeconds.startTimer({ kind });
    const outcome = await this.services.inventory.report(this.deviceId, frame.payload);
    stop();
    if (outcome.ok) {
      this.metrics.inventoryReports.inc({ kind, result: 'stored' });
      this.log.info({ kind, reportId: outcome.report.id, packages: outcome.report.counts.packages, changes: outcome.report.changeCount }, 'inventory stored');
      this.send(serverFrame('ack', { of: frame.id }));
      return;
    }
    this.metrics.inventoryReports.inc({ kind, result: outcome.code });
    if (outcome.code === 'E_INVENTORY_BASE_MISMATCH') {
      // A normal part of the protocol (the server lost or never had the base): not abuse.
      this.log.info({ message: outcome.message }, 'delta base mismatch; asking for a full report');
      this.send(serverFrame('error', { code: outcome.code, message: outcome.message, of: frame.id }));
      return;
    }
    this.rejectFrame(outcome.code, outcome.message, frame.id);
  }

  private rejectFrame(code: ErrorCode, message: string, of?: string): void {
    this.badFrames += 1;
    this.metrics.agentBadFrames.inc({ code });
    this.log.warn({ code, message: message.slice(0, 500), of, badFrames: this.badFrames }, 'bad agent frame');
    this.send(serverFrame('error', of === undefined ? { code, message } : { code, message, of }));
    if (this.badFrames >= this.options.maxBadFrames) {
      this.log.warn({ badFrames: this.badFrames }, 'too many bad frames; closing');
      this.close(CLOSE_POLICY, 'too many invalid frames');
    }
  }
}
