import type { AgentMessage, ServerKeyring } from '@patchwave/shared';
import { CREDENTIAL_ROTATE_CAPABILITY, serverFrame, TRUST_KEYS_CAPABILITY } from '@patchwave/shared';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AgentFrameHandler } from './agent-connection.js';
import type { AgentLink } from './agent-registry.js';

type SecurityEventFrame = Extract<AgentMessage, { type: 'security.event' }>;

const SECURITY_EVENT_ACTIONS: Record<SecurityEventFrame['payload']['kind'], string> = {
  'job.rejected': 'job.rejected',
  'trust.key-rejected': 'agent.trust.key-rejected',
  'credential.rotate-failed': 'device.credential.rotate-failed',
};

/**
 * The agent side of trust on the server: the keyring is sent to every agent that says hello (and
 * pushed at once after a rotation or revocation), a requested credential rotation is delivered
 * over the live socket and confirmed by the agent's ack, and the security events agents report
 * (refused jobs) go to the audit log.
 */
export class AgentTrust {
  /** credential.rotate frame id → device, until the agent acks it. */
  private readonly rotations = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly log: Logger,
  ) {}

  register(): () => void {
    const { app } = this;
    app.agentFrameHandlers.set('security.event', (frame, link) => this.securityEvent(frame as SecurityEventFrame, link));
    const previousAck = app.agentFrameHandlers.get('ack');
    app.agentFrameHandlers.set('ack', (frame, link) => this.ack(frame, link, previousAck));
    const stopGreeted = app.agents.onGreeted((link, capabilities) => {
      void this.greeted(link, capabilities).catch((err: unknown) => this.log.error({ err, deviceId: link.deviceId }, 'trust hello handling failed'));
    });
    const stopKeys = app.signingKeys.onChange((ring) => this.announce(ring));
    return () => {
      stopGreeted();
      stopKeys();
    };
  }

  /** Sends the keyring to every live agent that understands `trust.keys`. */
  announce(ring: ServerKeyring = this.app.signingKeys.announcement()): void {
    for (const deviceId of this.app.agents.deviceIds()) {
      if (!this.app.agents.hasCapability(deviceId, TRUST_KEYS_CAPABILITY)) continue;
      this.app.agents.get(deviceId)?.send(serverFrame('trust.keys', ring));
    }
  }

  /**
   * Delivers a requested rotation: over the live socket when the agent is connected and can take
   * it, else it waits for the agent's next hello.
   */
  async deliverRotation(deviceId: string): Promise<'sent' | 'pending'> {
    const link = this.app.agents.get(deviceId);
    if (!link || !this.app.agents.hasCapability(deviceId, CREDENTIAL_ROTATE_CAPABILITY)) return 'pending';
    await this.sendRotation(link);
    return 'sent';
  }

  private async sendRotation(link: AgentLink): Promise<void> {
    const credential = await this.app.services.agentIdentity.issueRotation(link.deviceId);
    const frame = serverFrame('credential.rotate', { credential, issuedAt: new Date().toISOString() });
    // Only the latest credential sent to a device can be confirmed by an ack.
    for (const [id, device] of this.rotations) if (device === link.deviceId) this.rotations.delete(id);
    this.rotations.set(frame.id, link.deviceId);
    link.send(frame);
    this.log.info({ deviceId: link.deviceId, frameId: frame.id }, 'new agent credential sent; waiting for the agent to confirm it');
  }

  private async greeted(link: AgentLink, capabilities: ReadonlySet<string>): Promise<void> {
    if (capabilities.has(TRUST_KEYS_CAPABILITY)) link.send(serverFrame('trust.keys', this.app.signingKeys.announcement()));
    const trust = await this.app.services.agentIdentity.trustOf(link.deviceId);
    if (!trust.rotationRequestedAt) return;
    if (capabilities.has(CREDENTIAL_ROTATE_CAPABILITY)) await this.sendRotation(link);
    else this.log.warn({ deviceId: link.deviceId }, 'a credential rotation waits, but this agent cannot take one (upgrade it)');
  }

  private async ack(frame: AgentMessage, link: AgentLink, next: AgentFrameHandler | undefined): Promise<void> {
    if (frame.type !== 'ack') return;
    const deviceId = this.rotations.get(frame.payload.of);
    if (deviceId !== undefined && deviceId === link.deviceId) {
      this.rotations.delete(frame.payload.of);
      await this.app.services.agentIdentity.confirmRotation(deviceId, 'acknowledged');
      this.log.info({ deviceId }, 'agent stored its new credential; the old one no longer works');
      return;
    }
    if (next) await next(frame, link);
  }

  private async securityEvent(frame: SecurityEventFrame, link: AgentLink): Promise<void> {
    const e = frame.payload;
    this.log.warn({ kind: e.kind, code: e.code, jobId: e.jobId, keyId: e.keyId }, 'agent reported a security event');
    await this.app.services.audit.record(null, {
      actor: `device:${link.deviceId}`,
      action: SECURITY_EVENT_ACTIONS[e.kind],
      target: e.jobId ? `job:${e.jobId}` : `device:${link.deviceId}`,
      details: {
        code: e.code,
        message: e.message,
        ...(e.jobDeviceId !== undefined ? { jobDeviceId: e.jobDeviceId } : {}),
        ...(e.keyId !== undefined ? { keyId: e.keyId } : {}),
        ...(e.deploymentId !== undefined ? { deploymentId: e.deploymentId } : {}),
      },
    });
    link.send(serverFrame('ack', { of: frame.id }));
  }
}
