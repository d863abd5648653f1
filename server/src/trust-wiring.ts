import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { Clock } from './domain/clock.js';
import { FileSigningKeyStore } from './domain/signing/file-signing-key-store.js';
import { SigningKeyring } from './domain/signing/signing-keyring.js';
import { apiTokenRoutes } from './http/routes/api-tokens.js';
import { authRoutes } from './http/routes/auth.js';
import { deviceTrustRoutes } from './http/routes/device-trust.js';
import { signingKeyRoutes } from './http/routes/signing-keys.js';
import { userRoutes } from './http/routes/users.js';
import { AgentTrust } from './ws/agent-trust.js';

export interface TrustWiring {
  config: ServerConfig;
  clock: Clock;
  logger: Logger;
  /** The job-signing keyring; default: DATA_DIR/keys/signing-keys.json (created on first start). */
  keyring?: SigningKeyring | undefined;
}

/** Where the keyring of a data dir lives. */
export function signingKeyDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

export async function openKeyring(dataDir: string, clock: Clock): Promise<{ keyring: SigningKeyring; created: boolean }> {
  return SigningKeyring.open(new FileSigningKeyStore(signingKeyDir(dataDir)), clock);
}

/**
 * Trust and security in the app: the signing keyring (decorated as `app.signingKeys` and
 * `app.jobSigner`), the agent side (keys to agents, credential rotation, security events), and the
 * routes of sessions, users, API tokens, signing keys and device trust.
 */
export async function registerTrust(app: FastifyInstance, w: TrustWiring): Promise<void> {
  const keyring = w.keyring ?? (await openKeyring(w.config.dataDir, w.clock)).keyring;
  app.decorate('signingKeys', keyring);
  app.decorate('jobSigner', keyring);
  const agentTrust = new AgentTrust(app, w.logger.child({ component: 'trust' }));
  const stop = agentTrust.register();
  app.decorate('announceKeys', (ring?: Parameters<AgentTrust['announce']>[0]) => agentTrust.announce(ring));
  app.addHook('preClose', async () => stop());
  await app.register(authRoutes, { clock: w.clock });
  await app.register(userRoutes, { clock: w.clock });
  await app.register(apiTokenRoutes, { clock: w.clock });
  await app.register(signingKeyRoutes);
  await app.register(deviceTrustRoutes, { agentTrust });
}
