import { getRandomValues } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.js';
import { requireServerUrl, type AgentConfig } from '../config/load.js';
import { AgentConnection } from '../connection/agent-connection.js';
import { SystemClock } from '../connection/clock.js';
import { enroll } from '../enroll/enroll.js';
import { ExecaCommandRunner } from '../exec/execa-runner.js';
import { collectInventory } from '../inventory/collect.js';
import { collectFacts } from '../inventory/facts.js';
import { probeHost } from '../pkg/host-probe.js';
import { acquireStateLock } from '../state/state-lock.js';
import { StateStore } from '../state/state-store.js';
import { AGENT_VERSION } from '../version.js';
import { createManagers } from './managers.js';

/** Capabilities this agent announces in agent.hello. */
export const AGENT_CAPABILITIES = ['inventory.delta'];

/** Uniform in [0, 1) from the CSPRNG: backoff jitter must not line up across a fleet. */
export const cryptoRandom = (): number => (getRandomValues(new Uint32Array(1))[0] ?? 0) / 2 ** 32;

/**
 * `patchwave-agent run`: enroll once if there is no credential, then stay connected until `signal`
 * aborts (SIGTERM/SIGINT), reporting inventory on connect and on schedule.
 */
export async function runAgent(config: AgentConfig, log: Logger, signal: AbortSignal): Promise<void> {
  const serverUrl = requireServerUrl(config);
  const store = await StateStore.open(config.stateDir, log);
  const release = await acquireStateLock(store.layout.lock);
  const clock = new SystemClock();
  try {
    let identity = await store.readIdentity();
    if (identity && identity.serverUrl !== serverUrl) {
      log.warn({ enrolledWith: identity.serverUrl, serverUrl }, 'server URL differs from the one this device enrolled with; keeping the credential');
    }
    if (!identity) {
      if (!config.enrollToken) {
        throw new ConfigError(
          'enrollToken',
          config.sources['enrollToken'] ?? 'default',
          `is required for the first start (no credential in ${config.stateDir}): set "enrollToken" in the config file, PATCHWAVE_ENROLL_TOKEN or --enroll-token`,
        );
      }
      log.info({ server: serverUrl, stateDir: config.stateDir }, 'no credential yet; enrolling');
      identity = await enroll({
        serverUrl,
        token: config.enrollToken,
        facts: await collectFacts(log),
        agentVersion: AGENT_VERSION,
        tags: config.tags,
        clock,
        random: cryptoRandom,
        log,
        signal,
      });
      await store.writeIdentity(identity);
    }
    const deviceLog = log.child({ deviceId: identity.deviceId });
    const host = await probeHost();
    const managers = createManagers({ host, exec: new ExecaCommandRunner(), log: deviceLog, local: config.managers, stateDir: config.stateDir });
    const connection = new AgentConnection({
      serverUrl,
      credential: identity.credential,
      agentVersion: AGENT_VERSION,
      capabilities: AGENT_CAPABILITIES,
      collectInventory: () => collectInventory({ managers, facts: () => collectFacts(deviceLog), log: deviceLog }),
      store,
      inventoryIntervalMs: config.inventoryIntervalMs,
      clock,
      random: cryptoRandom,
      log: deviceLog,
    });
    await connection.start();
    deviceLog.info({ server: serverUrl, intervalMs: config.inventoryIntervalMs, version: AGENT_VERSION }, 'agent running');
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    deviceLog.info('stopping');
    await connection.stop();
  } finally {
    await release();
  }
}
