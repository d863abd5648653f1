import type { DeviceTrustView as DeviceTrustViewType } from '@patchwave/shared';
import { DeviceTrustView, RotateCredentialResponse } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeviceTrust } from '../../domain/agent-identity/device-trust.js';
import { CLOSE_REVOKED } from '../../ws/agent-registry.js';
import type { AgentTrust } from '../../ws/agent-trust.js';
import { principalOf } from '../access-control.js';
import { errorResponses, IdParams } from '../schemas/common.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Approval, revocation and credential rotation of enrolled devices. */
export const deviceTrustRoutes: FastifyPluginAsyncZod<{ agentTrust: AgentTrust }> = async (app, { agentTrust }) => {
  const view = (t: DeviceTrust): DeviceTrustViewType => ({
    deviceId: t.deviceId,
    approved: t.approved,
    approvedAt: iso(t.approvedAt),
    approvedBy: t.approvedBy,
    credentialRevokedAt: iso(t.credentialRevokedAt),
    credentialRevokedBy: t.credentialRevokedBy,
    credentialRotatedAt: iso(t.credentialRotatedAt),
    rotationPending: t.rotationRequestedAt !== null,
    online: app.agents.isOnline(t.deviceId),
  });

  app.get(
    '/api/v1/devices/:id/trust',
    {
      config: { access: { role: 'auditor' } },
      schema: { tags: ['devices'], summary: 'Approval, revocation and rotation state of a device', params: IdParams, response: { 200: DeviceTrustView, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => view(await app.services.agentIdentity.trustOf(request.params.id)),
  );

  app.post(
    '/api/v1/devices/:id/approve',
    {
      config: { access: { role: 'operator' } },
      schema: {
        tags: ['devices'],
        summary: 'Approve a device enrolled with a token that requires approval (it receives jobs from now on)',
        params: IdParams,
        response: { 200: DeviceTrustView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => view(await app.services.agentIdentity.approve(request.params.id, principalOf(request).actor)),
  );

  app.post(
    '/api/v1/devices/:id/revoke',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['devices'],
        summary: 'Revoke the agent credential: the live connection closes at once and the next one gets 401',
        params: IdParams,
        body: z.object({ reason: z.string().trim().max(512).optional() }).strict().optional(),
        response: { 200: DeviceTrustView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const trust = await app.services.agentIdentity.revoke(request.params.id, principalOf(request).actor, request.body?.reason);
      const link = app.agents.get(request.params.id);
      if (link) {
        // Out of the registry at once: nothing is offered to it any more, even before the close completes.
        app.agents.remove(link);
        link.close(CLOSE_REVOKED, 'credential revoked');
      }
      return view(trust);
    },
  );

  app.post(
    '/api/v1/devices/:id/rotate-credential',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['devices'],
        summary: 'Give the agent a new credential (the old one stops working once the agent stored the new one)',
        description: 'Sent over the live connection now (`sent`), or at the agent’s next connection (`pending`).',
        params: IdParams,
        response: { 202: RotateCredentialResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await app.services.agentIdentity.requestRotation(request.params.id, principalOf(request).actor);
      const delivery = await agentTrust.deliverRotation(request.params.id);
      return reply.code(202).send({ deviceId: request.params.id, delivery });
    },
  );
};
