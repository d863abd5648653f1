import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inventory, ServerMessage } from '@patchwave/shared';
import { silentLogger } from '../../../agent/src/log/logger.js';
import { AgentConnection } from '../../../agent/src/connection/agent-connection.js';
import { SystemClock } from '../../../agent/src/connection/clock.js';
import { enroll } from '../../../agent/src/enroll/enroll.js';
import { collectInventory } from '../../../agent/src/inventory/collect.js';
import { collectFacts } from '../../../agent/src/inventory/facts.js';
import { AGENT_CAPABILITIES } from '../../../agent/src/runtime/run-agent.js';
import type { JobRuntime } from '../../../agent/src/runtime/job-runtime.js';
import { startJobRuntime } from '../../../agent/src/runtime/job-runtime.js';
import { ExecaCommandRunner } from '../../../agent/src/exec/execa-runner.js';
import type { AgentIdentity } from '../../../agent/src/state/state-store.js';
import { StateStore } from '../../../agent/src/state/state-store.js';
import { AgentTrust } from '../../../agent/src/trust/agent-trust.js';

export interface TrustedAgent {
  identity: AgentIdentity;
  trust: AgentTrust;
  connection: AgentConnection;
  jobs: JobRuntime;
  stateDir: string;
  /** Every frame the server sent that the connection passed on (job.offer, trust.keys, acks, …). */
  frames: ServerMessage[];
  /** job.result payloads the agent sent, as the executor produced them. */
  results(): { jobId: string; status: string; errorCode?: string | undefined; message?: string | undefined }[];
  stop(): Promise<void>;
}

export interface TrustedAgentOptions {
  serverUrl: string;
  enrollToken: string;
  serverKey?: string;
  serverFingerprint?: string;
}

const quiet = silentLogger();
const random = () => 0.5;

/**
 * The agent as `patchwave-agent run` assembles it, in-process: real enrollment over HTTP, the
 * trust module (pinning, verifier, rotation, security events), the journal-backed job runtime and
 * the WebSocket connection with its real inventory of this host (no package managers).
 */
export async function startTrustedAgent(options: TrustedAgentOptions): Promise<TrustedAgent> {
  const stateDir = await mkdtemp(join(tmpdir(), 'patchwave-trusted-agent-'));
  const store = await StateStore.open(stateDir, quiet);
  const clock = new SystemClock();
  const trust = await AgentTrust.open({ stateDir, serverUrl: options.serverUrl, serverKey: options.serverKey, serverFingerprint: options.serverFingerprint, log: quiet });
  const pinned = trust.fetch();
  const facts = await collectFacts(quiet);
  const { serverKeys, ...identity } = await enroll({
    serverUrl: options.serverUrl,
    token: options.enrollToken,
    facts,
    agentVersion: '0.1.0',
    clock,
    random,
    log: quiet,
    maxAttempts: 1,
    ...(pinned ? { fetch: pinned } : {}),
  });
  await trust.trustEnrollment(serverKeys);
  await store.writeIdentity(identity);
  const tlsOptions = trust.tlsOptions();
  const connection = new AgentConnection({
    serverUrl: options.serverUrl,
    credential: identity.credential,
    agentVersion: '0.1.0',
    capabilities: AGENT_CAPABILITIES,
    collectInventory: (): Promise<Inventory> => collectInventory({ managers: [], facts: async () => facts, log: quiet }),
    store,
    inventoryIntervalMs: 3_600_000,
    clock,
    random,
    log: quiet,
    backoff: { baseMs: 50, capMs: 500 },
    ...(tlsOptions ? { tlsOptions } : {}),
  });
  const frames: ServerMessage[] = [];
  connection.on('frame', (frame) => frames.push(frame));
  const sent: { jobId: string; status: string; errorCode?: string; message?: string }[] = [];
  const detach = trust.attach(connection, identity, store);
  const jobs = await startJobRuntime({
    stateDir,
    deviceId: identity.deviceId,
    managers: [],
    connection,
    clock,
    log: quiet,
    exec: new ExecaCommandRunner(),
    onSimulatedReboot: () => undefined,
    verifier: trust.verifier,
    onRefused: (job, refusal) => trust.reportRefusal(job, refusal),
  });
  const send = connection.sendFrame.bind(connection);
  connection.sendFrame = (frame) => {
    if (frame.type === 'job.result') sent.push({ jobId: frame.payload.jobId, status: frame.payload.status, errorCode: frame.payload.errorCode, message: frame.payload.message });
    return send(frame);
  };
  await connection.start();
  return {
    identity,
    trust,
    connection,
    jobs,
    stateDir,
    frames,
    results: () => sent,
    async stop() {
      await jobs.close({ waitForJob: false });
      await connection.stop();
      detach();
      // A write the connection started just before the stop (an acked inventory base) may still land: retry.
      await rm(stateDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}
