import { getRandomValues } from 'node:crypto';
import { CREDENTIAL_ROTATE_CAPABILITY, HEARTBEAT_UNACKED_CAPABILITY, JOBS_CAPABILITY, SAFETY_CAPABILITY, TRUST_KEYS_CAPABILITY } from '@patchwave/shared';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.js';
import { requireServerUrl, type AgentConfig } from '../config/load.js';
import { SystemClock } from '../connection/clock.js';
import { enroll } from '../enroll/enroll.js';
import { ExecaCommandRunner } from '../exec/execa-runner.js';
import { probeHost } from '../pkg/host-probe.js';
import { acquireStateLock } from '../state/state-lock.js';
import { StateStore } from '../state/state-store.js';
import { AgentTrust } from '../trust/agent-trust.js';
import { AGENT_VERSION } from '../version.js';
import { runSession } from './agent-session.js';
import { hostFacts } from './host-facts.js';

/** Capabilities this agent announces in agent.hello. */
export const AGENT_CAPABILITIES = ['inventory.delta', JOBS_CAPABILITY, SAFETY_CAPABILITY, TRUST_KEYS_CAPABILITY, CREDENTIAL_ROTATE_CAPABILITY, HEARTBEAT_UNACKED_CAPABILITY];

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
    // Pinned server keys and TLS certificate: checked before enrollment sends the token.
    const trust = await AgentTrust.open({ stateDir: config.stateDir, serverUrl, serverKey: config.serverKey, serverFingerprint: config.serverFingerprint, log });
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
      const pinned = trust.fetch();
      const { serverKeys, ...enrolled } = await enroll({
        serverUrl,
        token: config.enrollToken,
        facts: await hostFacts(config, log)(),
        agentVersion: AGENT_VERSION,
        tags: config.tags,
        clock,
        random: cryptoRandom,
        log,
        signal,
        ...(pinned ? { fetch: pinned } : {}),
      });
      // The keys first: a server that does not hold the pinned key gets no credential stored.
      await trust.trustEnrollment(serverKeys);
      identity = enrolled;
      await store.writeIdentity(identity);
    }
    const deviceLog = log.child({ deviceId: identity.deviceId });
    const host = await probeHost();
    const exec = new ExecaCommandRunner();
    // A simulated reboot (--simulate) ends the session; the next one starts as a host coming back would.
    for (let boot = 1; !signal.aborted; boot++) {
      const session = { config, serverUrl, identity, store, host, exec, clock, random: cryptoRandom, log: deviceLog, capabilities: AGENT_CAPABILITIES, signal, trust };
      if (!(await runSession(session))) break;
      deviceLog.info({ boot }, 'simulated reboot done; starting again');
    }
  } finally {
    await release();
  }
}
