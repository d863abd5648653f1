import { PatchwaveError } from '@patchwave/shared';
import type { FastifyInstance } from 'fastify';

/**
 * One identity, one live session. A second connection with the credential of a device that is
 * connected now is refused (409 before the upgrade, or closed with 4002 when two upgrades race)
 * and raises an alert in the audit log: the credential is in two places (a cloned VM, a copy).
 */
export async function alertDuplicateConnection(app: FastifyInstance, deviceId: string, remoteAddress: string, stage: 'upgrade' | 'registration'): Promise<void> {
  app.metrics.agentRejected.inc();
  const existing = app.agents.get(deviceId);
  await app.services.audit.record(null, {
    actor: `device:${deviceId}`,
    action: 'agent.connect.duplicate',
    target: `device:${deviceId}`,
    details: {
      alert: 'a second connection used the credential of a device that is connected now (cloned machine or copied credential?)',
      remoteAddress,
      stage,
      connectedSince: existing?.connectedAt.toISOString() ?? null,
    },
  });
}

/** Refuses the upgrade of a device that already has a live connection (called by the access check). */
export async function refuseDuplicateConnection(app: FastifyInstance, deviceId: string, remoteAddress: string): Promise<void> {
  if (!app.agents.isOnline(deviceId)) return;
  await alertDuplicateConnection(app, deviceId, remoteAddress, 'upgrade');
  throw new PatchwaveError('E_DUPLICATE_CONNECTION', 'this device is connected already; a second connection with the same credential is refused');
}
