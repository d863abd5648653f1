import type { SigningKeyView as SigningKeyViewType } from '@patchwave/shared';
import { PatchwaveError, RotateSigningKeyRequest, SigningKeyId, SigningKeyView } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseDuration } from '../../domain/duration.js';
import type { SigningKeyInfo } from '../../domain/signing/signing-keyring.js';
import { DEFAULT_OVERLAP_MS } from '../../domain/signing/signing-keyring.js';
import { principalOf } from '../access-control.js';
import { errorResponses } from '../schemas/common.js';

const view = (k: SigningKeyInfo): SigningKeyViewType => ({
  keyId: k.keyId,
  fingerprint: k.fingerprint,
  status: k.status,
  createdAt: k.createdAt.toISOString(),
  notAfter: k.notAfter?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  endorsedBy: k.endorsedBy,
});

const MAX_OVERLAP_MS = 90 * 86_400_000;

/** The server's job-signing keys: list, rotate with an overlap, revoke an old one. Changes reach live agents at once. */
export const signingKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/signing-keys',
    {
      config: { access: { role: 'auditor' } },
      schema: {
        tags: ['signing-keys'],
        summary: 'Job-signing keys (public parts): current, retiring, retired, revoked',
        response: { 200: z.object({ current: SigningKeyView, items: z.array(SigningKeyView) }), ...errorResponses(401, 403) },
      },
    },
    async () => {
      const items = app.signingKeys.list().map(view);
      return { current: items.find((k) => k.status === 'current') as SigningKeyViewType, items };
    },
  );

  app.post(
    '/api/v1/signing-keys/rotate',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['signing-keys'],
        summary: 'Rotate the job-signing key',
        description: 'A new key signs from now on, endorsed by the old one (agents that trust the old key learn the new one). Jobs signed by the old key stay valid for `overlap` (default 7d, at most 90d).',
        body: RotateSigningKeyRequest,
        response: { 200: z.object({ previous: SigningKeyView, current: SigningKeyView }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const overlapMs = request.body.overlap ? parseDuration(request.body.overlap) : DEFAULT_OVERLAP_MS;
      if (overlapMs === null || overlapMs > MAX_OVERLAP_MS) {
        throw new PatchwaveError('E_VALIDATION', 'body.overlap: at most 90d', { details: { issues: [{ path: 'body.overlap', message: 'at most 90d' }] } });
      }
      const { previous, current } = await app.signingKeys.rotate(overlapMs);
      await app.services.audit.record(null, {
        actor: principalOf(request).actor,
        action: 'signing-key.rotate',
        target: `signing-key:${current.keyId}`,
        details: { previous: previous.keyId, current: current.keyId, fingerprint: current.fingerprint, previousValidUntil: previous.notAfter?.toISOString() ?? null },
      });
      return { previous: view(previous), current: view(current) };
    },
  );

  app.delete(
    '/api/v1/signing-keys/:keyId',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['signing-keys'],
        summary: 'Revoke a job-signing key that is no longer current (agents refuse its jobs at once)',
        params: z.object({ keyId: SigningKeyId }),
        response: { 200: SigningKeyView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const before = app.signingKeys.list().find((k) => k.keyId === request.params.keyId);
      const revoked = await app.signingKeys.revoke(request.params.keyId);
      if (before && before.status !== 'revoked') {
        await app.services.audit.record(null, { actor: principalOf(request).actor, action: 'signing-key.revoke', target: `signing-key:${revoked.keyId}`, details: { fingerprint: revoked.fingerprint } });
      }
      return view(revoked);
    },
  );
};
