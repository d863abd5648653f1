import type { ErrorCode, Job, SecurityEvent, ServerKeyring, ServerMessage } from '@patchwave/shared';
import { agentFrame, CREDENTIAL_ROTATE_CAPABILITY, LIMITS, PatchwaveError, TRUST_KEYS_CAPABILITY } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { AgentConnection, AgentTlsOptions } from '../connection/agent-connection.js';
import type { JobVerifier } from '../jobs/admission.js';
import type { AgentIdentity } from '../state/state-store.js';
import { Ed25519JobVerifier } from './ed25519-job-verifier.js';
import type { KeyTrustState } from './key-trust.js';
import { applyKeyring, initialTrust } from './key-trust.js';
import { pinnedFetch } from './pinned-fetch.js';
import { pinnedTlsOptions } from './tls-pin.js';
import { readTrust, trustFile, writeTrust } from './trust-file.js';

export interface AgentTrustOptions {
  stateDir: string;
  serverUrl: string;
  /** PATCHWAVE_SERVER_KEY: fingerprint of the job-signing key to pin. */
  serverKey?: string | undefined;
  /** PATCHWAVE_SERVER_FINGERPRINT: SHA-256 of the TLS certificate to pin. */
  serverFingerprint?: string | undefined;
  log: Logger;
  now?: () => Date;
}

/** Where a rotated credential is stored (the agent's state store). */
export interface IdentityWriter {
  writeIdentity(identity: AgentIdentity): Promise<void>;
}

type SecurityPayload = SecurityEvent['payload'];
const MAX_QUEUED_EVENTS = 100;

/**
 * The agent's trust in its server: the pinned job-signing keys (config pin or trust on first use,
 * then rotations endorsed by a trusted key), the job verifier built on them, TLS certificate
 * pinning, credential rotation and the security events it reports when it refuses something.
 */
export class AgentTrust {
  /** Capabilities to announce in agent.hello. */
  static readonly CAPABILITIES = [TRUST_KEYS_CAPABILITY, CREDENTIAL_ROTATE_CAPABILITY];

  readonly verifier: JobVerifier;
  private readonly file: string;
  private readonly now: () => Date;
  private readonly queued: SecurityPayload[] = [];
  private connection: AgentConnection | null = null;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: AgentTrustOptions,
    private state: KeyTrustState | null,
  ) {
    this.file = trustFile(options.stateDir);
    this.now = options.now ?? (() => new Date());
    this.verifier = new Ed25519JobVerifier(() => this.state, this.now);
  }

  /** Loads what the agent trusts. A configured key pin that differs from the stored one starts over (re-pinning). */
  static async open(options: AgentTrustOptions): Promise<AgentTrust> {
    if (options.serverFingerprint && new URL(options.serverUrl).protocol !== 'https:') {
      throw new PatchwaveError('E_CONFIG_INVALID', `invalid configuration: serverFingerprint is set but serverUrl ${options.serverUrl} is not https://`);
    }
    let state = (await readTrust(trustFile(options.stateDir))) ?? null;
    if (state && options.serverKey && state.pin !== options.serverKey) {
      options.log.warn({ stored: state.pin, configured: options.serverKey }, 'the configured server key differs from the pinned one: trusting only the configured key from now on');
      state = null;
    }
    return new AgentTrust(options, state);
  }

  get trusted(): KeyTrustState | null {
    return this.state;
  }

  /** TLS options with the pinned certificate, for the WebSocket; undefined without a pin. */
  tlsOptions(): (() => Promise<AgentTlsOptions>) | undefined {
    return this.options.serverFingerprint ? pinnedTlsOptions(this.options.serverUrl, this.options.serverFingerprint) : undefined;
  }

  /** A fetch honouring the TLS pin, for enrollment; undefined without a pin (global fetch). */
  fetch(): typeof fetch | undefined {
    const tls = this.tlsOptions();
    return tls ? pinnedFetch(tls) : undefined;
  }

  /**
   * Pins the keys of the enrollment answer: the configured key must be among them (else this is
   * not the intended server and nothing is stored); without a configured key they are trusted on
   * first use, recorded in trust.json.
   */
  async trustEnrollment(ring: ServerKeyring | undefined): Promise<void> {
    if (!ring) {
      this.options.log.warn('the server sent no signing keys at enrollment (an older server?); jobs are refused until it announces them');
      return;
    }
    await this.adopt(ring, 'enrollment');
  }

  /** Wires the trust frames of a connection; returns the function that unwires them. */
  attach(connection: AgentConnection, identity: AgentIdentity, writer: IdentityWriter): () => void {
    this.connection = connection;
    const onFrame = (frame: ServerMessage) => {
      if (frame.type === 'trust.keys') void this.onKeys(frame.payload);
      else if (frame.type === 'credential.rotate') void this.onRotate(frame.id, frame.payload.credential, identity, writer, connection);
    };
    const onWelcome = () => this.flush();
    connection.on('frame', onFrame);
    connection.on('welcome', onWelcome);
    return () => {
      connection.off('frame', onFrame);
      connection.off('welcome', onWelcome);
      if (this.connection === connection) this.connection = null;
    };
  }

  /** The executor refused an offered job: tell the server (it writes the audit log). */
  reportRefusal(job: Job, refusal: { code: ErrorCode; message: string }): void {
    this.report({
      kind: 'job.rejected',
      code: refusal.code,
      message: refusal.message.slice(0, LIMITS.message),
      jobId: job.jobId,
      ...(job.deviceId ? { jobDeviceId: job.deviceId } : {}),
      ...(job.keyId ? { keyId: job.keyId } : {}),
      ...(job.deploymentId ? { deploymentId: job.deploymentId } : {}),
    });
  }

  private report(event: SecurityPayload): void {
    this.options.log.warn({ kind: event.kind, code: event.code, jobId: event.jobId, keyId: event.keyId }, 'security event');
    if (this.connection?.sendFrame(agentFrame('security.event', event))) return;
    if (this.queued.length >= MAX_QUEUED_EVENTS) this.queued.shift();
    this.queued.push(event);
  }

  private flush(): void {
    while (this.queued.length > 0 && this.connection) {
      const event = this.queued[0] as SecurityPayload;
      if (!this.connection.sendFrame(agentFrame('security.event', event))) return;
      this.queued.shift();
    }
  }

  private async onKeys(ring: ServerKeyring): Promise<void> {
    try {
      await this.adopt(ring, 'first-connection');
    } catch (err) {
      this.options.log.error({ err }, 'the server announced signing keys this agent cannot trust');
    }
  }

  private async adopt(ring: ServerKeyring, from: 'enrollment' | 'first-connection'): Promise<void> {
    const now = this.now();
    const pin = this.options.serverKey ?? null;
    const outcome = this.state ? applyKeyring(this.state, ring, now) : initialTrust(ring, pin, pin ? 'config' : from, now);
    if (!outcome) {
      const offered = ring.keys.map((k) => k.fingerprint).join(', ');
      this.report({ kind: 'trust.key-rejected', code: 'E_SERVER_KEY_MISMATCH', message: `none of the server's signing keys (${offered}) is the pinned ${pin}` });
      throw new PatchwaveError('E_SERVER_KEY_MISMATCH', `the server's signing keys (${offered}) do not include the pinned key ${pin} (PATCHWAVE_SERVER_KEY): this is not the server the agent was installed for`);
    }
    for (const r of outcome.rejected) {
      this.report({ kind: 'trust.key-rejected', code: 'E_SERVER_KEY_MISMATCH', message: `signing key ${r.keyId} not trusted: ${r.reason}`, keyId: r.keyId });
    }
    if (!outcome.changed) return;
    this.state = outcome.state;
    this.saving = this.saving.then(() => writeTrust(this.file, outcome.state));
    await this.saving;
    this.options.log.info({ added: outcome.added, pinnedFrom: outcome.state.pinnedFrom, keys: outcome.state.keys.length }, 'server signing keys updated');
  }

  private async onRotate(frameId: string, credential: string, identity: AgentIdentity, writer: IdentityWriter, connection: AgentConnection): Promise<void> {
    try {
      // Stored first (atomically), acknowledged after: the server drops the old credential only then.
      await writer.writeIdentity({ ...identity, credential });
      identity.credential = credential;
      connection.setCredential(credential);
      connection.sendFrame(agentFrame('ack', { of: frameId }));
      this.options.log.info('new agent credential stored; the previous one no longer works');
    } catch (err) {
      this.options.log.error({ err }, 'could not store the rotated credential; keeping the old one');
      this.report({ kind: 'credential.rotate-failed', code: 'E_INTERNAL', message: `could not store the new credential: ${(err as Error).message}`.slice(0, LIMITS.message) });
    }
  }
}
