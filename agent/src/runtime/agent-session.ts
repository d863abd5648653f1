import type { Logger } from 'pino';
import type { AgentConfig } from '../config/load.js';
import { AgentConnection } from '../connection/agent-connection.js';
import type { Clock } from '../connection/clock.js';
import type { CommandRunner } from '../exec/command-runner.js';
import { collectInventory } from '../inventory/collect.js';
import type { HostDescription } from '../pkg/host.js';
import type { RandomSource } from '../connection/backoff.js';
import type { AgentIdentity, StateStore } from '../state/state-store.js';
import type { AgentTrust } from '../trust/agent-trust.js';
import type { AgentTlsOptions } from '../connection/agent-connection.js';
import type { ErrorCode, Job } from '@patchwave/shared';
import { AGENT_VERSION } from '../version.js';
import { hostFacts } from './host-facts.js';
import { startJobRuntime } from './job-runtime.js';
import { createManagers } from './managers.js';

export interface SessionDeps {
  config: AgentConfig;
  serverUrl: string;
  identity: AgentIdentity;
  store: StateStore;
  host: HostDescription;
  exec: CommandRunner;
  clock: Clock;
  random: RandomSource;
  log: Logger;
  capabilities: string[];
  signal: AbortSignal;
  /** Pinned keys and certificate, job verification, credential rotation, security events. */
  trust?: AgentTrust;
}

/**
 * One run of the connected agent: package managers, the job runtime (recovered from the journal
 * first), then the connection, until the stop signal — or until a simulated reboot, after which
 * the caller starts a new session, as a host coming back up would. Returns true for a reboot.
 */
export async function runSession(s: SessionDeps): Promise<boolean> {
  const { config, log } = s;
  const managers = createManagers({ host: s.host, exec: s.exec, log, local: config.managers, stateDir: config.stateDir });
  const tlsOptions: (() => Promise<AgentTlsOptions>) | undefined = s.trust?.tlsOptions();
  const connection = new AgentConnection({
    serverUrl: s.serverUrl,
    credential: s.identity.credential,
    agentVersion: AGENT_VERSION,
    capabilities: s.capabilities,
    collectInventory: () => collectInventory({ managers, facts: hostFacts(config, log), log }),
    store: s.store,
    inventoryIntervalMs: config.inventoryIntervalMs,
    clock: s.clock,
    random: s.random,
    log,
    ...(tlsOptions ? { tlsOptions } : {}),
  });
  const detachTrust = s.trust?.attach(connection, s.identity, s.store);
  let rebooted: () => void = () => undefined;
  const reboot = new Promise<'reboot'>((resolve) => {
    rebooted = () => resolve('reboot');
  });
  const jobs = await startJobRuntime({
    stateDir: config.stateDir,
    deviceId: s.identity.deviceId,
    managers,
    connection,
    clock: s.clock,
    log,
    exec: s.exec,
    simulateScenario: config.managers.simulateScenario,
    // After the reboot request returns, the executor journals and queues the result; then restart.
    onSimulatedReboot: () => setImmediate(rebooted),
    verifier: s.trust?.verifier,
    ...(s.trust ? { onRefused: (job: Job, refusal: { code: ErrorCode; message: string }) => s.trust?.reportRefusal(job, refusal) } : {}),
  });
  await connection.start();
  log.info({ server: s.serverUrl, intervalMs: config.inventoryIntervalMs, version: AGENT_VERSION, simulate: config.managers.simulateScenario ?? null }, 'agent running');
  const stop = new Promise<'stop'>((resolve) => {
    if (s.signal.aborted) resolve('stop');
    else s.signal.addEventListener('abort', () => resolve('stop'), { once: true });
  });
  const why = await Promise.race([stop, reboot]);
  log.info({ why }, why === 'reboot' ? 'simulated reboot: stopping this session' : 'stopping');
  await jobs.close({ waitForJob: why === 'reboot' });
  await connection.stop();
  detachTrust?.();
  return why === 'reboot';
}
