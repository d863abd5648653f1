import type { DeviceFacts } from '@patchwave/shared';
import type { FastifyInstance } from 'fastify';
import { sampleFacts } from './facts.js';

export interface EnrolledDevice {
  deviceId: string;
  credential: string;
}

/** Creates a one-use token and enrolls a device with it through the services. */
export async function enrollDevice(app: FastifyInstance, facts: DeviceFacts = sampleFacts(), tags: string[] = []): Promise<EnrolledDevice> {
  const { secret } = await app.services.enrollment.createToken(
    { name: 'test', expiresAt: new Date(Date.now() + 3_600_000), maxUses: 1, tags },
    'system',
  );
  return app.services.enrollment.enroll({ token: secret, facts, agentVersion: '0.1.0' }, { remoteAddress: '127.0.0.1' });
}
