import { randomUUID } from 'node:crypto';
import {
  agentFrame,
  diffPackages,
  HEARTBEAT_UNACKED_CAPABILITY,
  jobSigningBytes,
  keyEndorsementText,
  parseServerFrame,
  PROTOCOL_VERSION,
  type AgentMessage,
  type InstalledPackage,
  type Job,
  type JobResultPayload,
  type PackageResult,
  type ServerKeyring,
  type ServerMessage,
} from '@patchwave/shared';
import WebSocket from 'ws';
import { Backoff } from '../../agent/src/connection/backoff.js';
import { verifySignature } from '../../agent/src/trust/ed25519.js';
import type { DeviceInventory } from './inventory-model.js';
import type { SimIdentity, SimOptions } from './options.js';
import type { WorkerStats } from './worker-stats.js';

/** What the agents of one worker share: options, counters, the pinned signing keys, a clock. */
export interface SimContext {
  options: SimOptions;
  stats: WorkerStats;
  /** keyId → base64url public key: pinned from the first `trust.keys` (trust on first use), later keys only when endorsed. */
  trusted: Map<string, string>;
  random: () => number;
  /** Wall-clock ms with sub-ms precision (all workers share the machine's clock). */
  now: () => number;
  deadline: number;
  /** While true, job results wait in `held` until the controller releases them (the RPC benchmark). */
  holding: boolean;
  held: { agent: SimAgent; frameId: string; text: string }[];
  /** frame id → when a released result was sent, to time its ack. */
  sentAt: Map<string, number>;
}

interface JobState {
  deploymentId: string | undefined;
  done: boolean;
  resultFrameId?: string;
}

// As the real agent announces them (agent/src/runtime/run-agent.ts), but for jobs.safety and credential rotation.
const CAPABILITIES = ['inventory.delta', 'jobs', 'trust.keys', HEARTBEAT_UNACKED_CAPABILITY];
const APT_TAIL = 'Preparing to unpack .../archives/package_amd64.deb ...\nUnpacking package over previous version ...\nSetting up package ...\nProcessing triggers for libc-bin (2.36-9+deb12u7) ...\nProcessing triggers for man-db (2.11.2-2) ...\n'.repeat(8);

/**
 * One simulated agent speaking protocol v1 over a real WebSocket: hello → welcome → inventory (full,
 * delta or nothing by content hash) → heartbeats; jobs are verified (device, validity, Ed25519
 * signature by a pinned key, replay), accepted, run for a random latency, fail at the configured
 * rate, and their results stay in an outbox until the server acks them (re-sent after a
 * reconnect). Reboots close the socket and check in with `agent.rebooted`. Reconnects use the real
 * agent's full-jitter backoff. Everything stops at the worker's deadline.
 */
export class SimAgent {
  private ws: WebSocket | undefined;
  private stopped = false;
  private welcomed = false;
  private serverHash: string | null | undefined;
  private acked: { hash: string; packages: InstalledPackage[] } | undefined;
  private pendingReport: { id: string; hash: string; packages: InstalledPackage[] } | undefined;
  private readonly outbox = new Map<string, string>();
  private readonly jobs = new Map<string, JobState>();
  /** Deployments this device ran an apply job of (a second job of one deployment would run it twice). */
  private readonly appliedFor = new Set<string>();
  private readonly backoff: Backoff;
  private timers: { heartbeat?: NodeJS.Timeout; reconnect?: NodeJS.Timeout; drift?: NodeJS.Timeout } = {};
  private heartbeatMs = 60_000;
  private reconnects = 0;
  private bootId = randomUUID();
  private rebootFor: { jobId: string; requestedAt: string } | undefined;
  everConnected = false;

  constructor(
    readonly identity: SimIdentity,
    private readonly device: DeviceInventory,
    private readonly ctx: SimContext,
  ) {
    this.backoff = new Backoff({ baseMs: ctx.options.backoffBaseMs, capMs: ctx.options.backoffCapMs, random: ctx.random });
  }

  get connected(): boolean {
    return this.welcomed && this.ws?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    if (this.stopped || this.ctx.now() > this.ctx.deadline) return;
    const { options, stats } = this.ctx;
    stats.connectAttempts++;
    const ws = new WebSocket(options.wsUrl, {
      headers: options.mode === 'patchwave' ? { authorization: `Bearer ${this.identity.credential}` } : {},
      localAddress: this.identity.localAddress,
      perMessageDeflate: false,
      handshakeTimeout: 30_000,
    });
    this.ws = ws;
    ws.on('open', () => {
      this.everConnected = true;
      if (options.mode === 'bare') {
        stats.connected++;
        this.welcomed = true;
        return;
      }
      this.send(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: 'fleet-sim/1', capabilities: CAPABILITIES, ...(this.acked ? { inventoryHash: this.acked.hash } : {}) }));
    });
    ws.on('message', (data) => this.receive(String(data)));
    ws.on('unexpected-response', (_req, res) => {
      stats.refused[res.statusCode ?? 0] = (stats.refused[res.statusCode ?? 0] ?? 0) + 1;
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code ?? err.message.slice(0, 40);
      stats.socketErrors[code] = (stats.socketErrors[code] ?? 0) + 1;
    });
    ws.on('close', () => this.closed(ws));
  }

  /** Closes for good (no reconnect). */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.ws?.terminate();
  }

  /** A reboot or an agent restart: the socket goes away and the agent reconnects after `downMs`. */
  restart(downMs: number): void {
    if (this.stopped || !this.ws) return;
    this.bootId = randomUUID();
    this.ws.close(1001, 'rebooting');
    this.scheduleReconnect(downMs);
  }

  private closed(ws: WebSocket): void {
    if (this.ws !== ws) return;
    if (this.welcomed) this.ctx.stats.connected--;
    this.welcomed = false;
    this.pendingReport = undefined;
    this.clearTimers();
    if (this.stopped) return;
    if (!this.timers.reconnect) this.scheduleReconnect(this.backoff.next());
  }

  private scheduleReconnect(delayMs: number): void {
    clearTimeout(this.timers.reconnect);
    if (this.reconnects >= this.ctx.options.maxReconnects) return;
    this.reconnects++;
    this.ctx.stats.reconnects++;
    this.timers.reconnect = setTimeout(() => {
      this.timers.reconnect = undefined;
      this.connect();
    }, delayMs);
  }

  private clearTimers(): void {
    clearTimeout(this.timers.heartbeat);
    clearTimeout(this.timers.drift);
    this.timers.heartbeat = this.timers.drift = undefined;
  }

  private send(frame: AgentMessage | string): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    this.ctx.stats.framesSent++;
  }

  private receive(text: string): void {
    const { stats } = this.ctx;
    if (this.ctx.options.mode === 'bare') {
      stats.marks.push(this.ctx.now());
      this.ws?.send('ack');
      return;
    }
    const parsed = parseServerFrame(text);
    if (!parsed.ok) {
      stats.badServerFrames++;
      return;
    }
    this.dispatch(parsed.frame, text);
  }

  private dispatch(frame: ServerMessage, text: string): void {
    const { stats } = this.ctx;
    switch (frame.type) {
      case 'server.welcome':
        this.welcome(frame.payload.inventoryHash, frame.payload.heartbeatSeconds);
        return;
      case 'ack':
        this.ack(frame.payload.of);
        return;
      case 'error':
        stats.serverErrors[frame.payload.code] = (stats.serverErrors[frame.payload.code] ?? 0) + 1;
        if (frame.payload.code === 'E_INVENTORY_BASE_MISMATCH') {
          this.acked = undefined;
          this.serverHash = null;
          this.report();
        }
        return;
      case 'trust.keys':
        this.pin(frame.payload);
        return;
      case 'job.offer':
        this.offer(frame.payload.job, (JSON.parse(text) as { payload: { job: Record<string, unknown> } }).payload.job);
        return;
      case 'job.cancel':
        stats.cancels++;
        return;
      default:
        stats.otherFrames++;
    }
  }

  private welcome(serverHash: string | null, heartbeatSeconds: number): void {
    const { stats, options } = this.ctx;
    this.welcomed = true;
    stats.connected++;
    stats.welcomes++;
    this.serverHash = serverHash;
    this.heartbeatMs = options.heartbeatMs ?? heartbeatSeconds * 1000;
    this.backoff.reset();
    this.report();
    for (const text of this.outbox.values()) this.send(text);
    if (this.rebootFor) {
      const frame = agentFrame('agent.rebooted', { bootId: this.bootId, bootedAt: new Date().toISOString(), jobId: this.rebootFor.jobId, requestedAt: this.rebootFor.requestedAt });
      const text = JSON.stringify(frame);
      this.outbox.set(frame.id, text);
      this.rebootFor = undefined;
      this.send(text);
      stats.rebootCheckIns++;
    }
    // Heartbeats of a fleet spread over the interval, as agents that connected at different times.
    this.timers.heartbeat = setTimeout(() => this.heartbeat(), Math.floor(this.ctx.random() * this.heartbeatMs));
    if (options.driftIntervalMs > 0) this.timers.drift = setTimeout(() => this.drift(), Math.floor(this.ctx.random() * options.driftIntervalMs));
  }

  private heartbeat(): void {
    if (!this.connected || this.ctx.now() > this.ctx.deadline) return;
    // As the real agent does: a ping with every heartbeat, whose pong is its sign that the server lives.
    this.ws?.ping();
    this.send(agentFrame('heartbeat', { ...(this.serverHash ? { inventoryHash: this.serverHash } : {}), uptimeSeconds: this.device.facts().uptimeSeconds }));
    this.ctx.stats.heartbeats++;
    this.timers.heartbeat = setTimeout(() => this.heartbeat(), this.heartbeatMs);
  }

  private drift(): void {
    if (!this.connected || this.ctx.now() > this.ctx.deadline) return;
    if (this.device.drift(this.ctx.random)) this.report();
    this.timers.drift = setTimeout(() => this.drift(), this.ctx.options.driftIntervalMs);
  }

  /** Sends what the server lacks: nothing, a delta against the acknowledged inventory, or the full one. */
  private report(): void {
    if (!this.welcomed || this.pendingReport) return;
    const inventory = this.device.inventory();
    const hash = this.device.hash(inventory);
    if (this.serverHash === hash) return;
    const { stats } = this.ctx;
    const frame =
      this.acked && this.serverHash === this.acked.hash
        ? agentFrame('inventory.report', {
            kind: 'delta',
            hash,
            baseHash: this.acked.hash,
            collectedAt: inventory.collectedAt,
            facts: inventory.facts,
            managers: inventory.managers,
            packages: diffPackages(this.acked.packages, inventory.packages),
            updates: inventory.updates,
            reboot: inventory.reboot,
          })
        : agentFrame('inventory.report', { kind: 'full', hash, inventory });
    if (frame.type === 'inventory.report' && frame.payload.kind === 'delta') stats.deltaReports++;
    else stats.fullReports++;
    this.pendingReport = { id: frame.id, hash, packages: inventory.packages };
    this.send(frame);
  }

  private ack(of: string): void {
    const { stats } = this.ctx;
    if (this.pendingReport?.id === of) {
      this.acked = { hash: this.pendingReport.hash, packages: this.pendingReport.packages };
      this.serverHash = this.pendingReport.hash;
      this.pendingReport = undefined;
      stats.reportsAcked++;
      // Changed again while the report was in flight (a job finished): report that too.
      if (this.device.hash() !== this.serverHash) this.report();
      return;
    }
    if (this.outbox.delete(of)) {
      stats.outboxAcked++;
      const sent = this.ctx.sentAt.get(of);
      if (sent !== undefined) {
        this.ctx.sentAt.delete(of);
        stats.rpcTimes.push([sent, this.ctx.now()]);
      }
    } else stats.heartbeatAcks++;
  }

  private pin(ring: ServerKeyring): void {
    const { trusted } = this.ctx;
    const revoked = new Set(ring.revoked);
    for (const id of revoked) trusted.delete(id);
    for (const key of ring.keys) {
      if (revoked.has(key.keyId) || trusted.has(key.keyId)) continue;
      const endorser = key.endorsement ? trusted.get(key.endorsement.by) : undefined;
      if (trusted.size === 0 || (endorser && key.endorsement && verifySignature(endorser, keyEndorsementText(key), key.endorsement.signature))) {
        trusted.set(key.keyId, key.publicKey);
      } else this.ctx.stats.keysRefused++;
    }
  }

  /** Why the agent would refuse this job, or null: wrong device, not valid now, signature. */
  private refusal(job: Job, raw: Record<string, unknown>): { code: 'E_JOB_WRONG_DEVICE' | 'E_JOB_EXPIRED' | 'E_JOB_NOT_YET_VALID' | 'E_JOB_BAD_SIGNATURE'; message: string } | null {
    if (job.deviceId !== this.identity.deviceId) return { code: 'E_JOB_WRONG_DEVICE', message: `job is for device ${job.deviceId}` };
    const now = Date.now();
    if (Date.parse(job.expiresAt) <= now) return { code: 'E_JOB_EXPIRED', message: `job expired at ${job.expiresAt}` };
    if (Date.parse(job.notBefore) > now + 60_000) return { code: 'E_JOB_NOT_YET_VALID', message: `job is valid from ${job.notBefore}` };
    if (!this.ctx.options.verifySignatures) return null;
    const key = job.keyId ? this.ctx.trusted.get(job.keyId) : undefined;
    if (!key || !job.signature) return { code: 'E_JOB_BAD_SIGNATURE', message: `job is not signed by a pinned key (${job.keyId ?? 'unsigned'})` };
    if (!verifySignature(key, jobSigningBytes(raw), job.signature)) return { code: 'E_JOB_BAD_SIGNATURE', message: `signature does not verify with key ${job.keyId}` };
    return null;
  }

  private offer(job: Job, raw: Record<string, unknown>): void {
    const { stats } = this.ctx;
    const at = this.ctx.now();
    const known = this.jobs.get(job.jobId);
    if (known) {
      // A re-offer after a reconnect: never run twice; the result (if any) is in the outbox already.
      stats.reoffers++;
      return;
    }
    const refusal = this.refusal(job, raw);
    const state: JobState = { deploymentId: job.deploymentId, done: false };
    this.jobs.set(job.jobId, state);
    if (refusal) {
      stats.rejected[refusal.code] = (stats.rejected[refusal.code] ?? 0) + 1;
      this.finish(job, state, { status: 'rejected', errorCode: refusal.code, message: refusal.message, packages: [] });
      return;
    }
    if (job.action.kind === 'apply' && job.deploymentId) {
      if (this.appliedFor.has(job.deploymentId)) stats.secondJobs++;
      this.appliedFor.add(job.deploymentId);
    }
    stats.marks.push(at);
    stats.executions++;
    stats.running++;
    stats.maxRunning = Math.max(stats.maxRunning, stats.running);
    this.send(agentFrame('job.accepted', { jobId: job.jobId, state: 'running' }));
    const [min, max] = this.ctx.options.jobLatencyMs;
    const startedAt = new Date().toISOString();
    setTimeout(() => {
      stats.running--;
      stats.intervals.push([at, this.ctx.now()]);
      this.run(job, state, startedAt);
    }, min + Math.floor(this.ctx.random() * (max - min + 1)));
  }

  private run(job: Job, state: JobState, startedAt: string): void {
    const { options, random } = this.ctx;
    const action = job.action;
    if (action.kind !== 'apply') {
      this.finish(job, state, { status: 'succeeded', packages: [], startedAt, ...(action.kind === 'plan' ? { plans: [] } : {}) });
      return;
    }
    if (random() < options.failureRate) {
      const packages: PackageResult[] = action.packages.map((p) => {
        const v = this.device.versionOf(p.name, p.arch);
        return { manager: p.manager, name: p.name, arch: p.arch ?? v?.arch ?? '', requested: p.version, before: v?.version ?? null, after: v?.version ?? null, ok: false, errorCode: 'E_PKG_SCRIPT_FAILED', message: 'post-installation script returned error exit status 1' };
      });
      this.finish(job, state, { status: 'failed', errorCode: 'E_PKG_SCRIPT_FAILED', message: 'dpkg: error processing package (--configure): subprocess returned error exit status 1', exitCode: 100, packages, startedAt });
      return;
    }
    const packages: PackageResult[] = action.packages.map((p) => {
      const before = this.device.versionOf(p.name, p.arch);
      const changed = this.device.upgrade(p.name, p.arch);
      const after = changed?.after ?? before?.version ?? null;
      return { manager: p.manager, name: p.name, arch: p.arch ?? before?.arch ?? '', requested: p.version, before: before?.version ?? null, after, ok: after !== null };
    });
    const reboot = action.rebootPolicy.mode !== 'never' && random() < options.rebootRate;
    const rollbackPlan = packages.map((p) => ({ manager: p.manager, name: p.name, arch: p.arch, version: p.before }));
    this.finish(job, state, { status: 'succeeded', exitCode: 0, packages, rollbackPlan, startedAt, reboot: { required: reboot, performed: reboot } });
    this.report();
    if (reboot) {
      this.rebootFor = { jobId: job.jobId, requestedAt: new Date().toISOString() };
      this.ctx.stats.reboots++;
      this.restart(options.rebootDownMs);
    }
  }

  private finish(job: Job, state: JobState, outcome: Partial<JobResultPayload> & Pick<JobResultPayload, 'status' | 'packages'>): void {
    const frame = agentFrame('job.result', {
      jobId: job.jobId,
      deviceId: this.identity.deviceId,
      kind: job.action.kind,
      finishedAt: new Date().toISOString(),
      exitCode: null,
      reboot: { required: false, performed: false },
      outputTail: outcome.status === 'succeeded' ? 'Setting up packages ...\n' : '',
      inventoryHash: this.device.hash(),
      ...outcome,
    });
    state.done = true;
    state.resultFrameId = frame.id;
    // Real results carry the tail of the package manager's output: about 1 KB on the wire.
    const bare = JSON.stringify(frame);
    if (frame.type === 'job.result' && bare.length < 1024) frame.payload.outputTail += APT_TAIL.slice(0, 1024 - bare.length);
    const text = JSON.stringify(frame);
    this.outbox.set(frame.id, text);
    this.ctx.stats.results[outcome.status] = (this.ctx.stats.results[outcome.status] ?? 0) + 1;
    if (this.ctx.holding && job.action.kind === 'apply') this.ctx.held.push({ agent: this, frameId: frame.id, text });
    else this.send(text);
  }

  /** Sends a held result now (the controller paces these). */
  sendHeld(frameId: string, text: string): void {
    this.ctx.sentAt.set(frameId, this.ctx.now());
    this.send(text);
  }
}
