import { CreateUserRequest, ResetPasswordRequest, UpdateUserRequest, UserView, UserWithPassword } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import { principalOf } from '../access-control.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { userView } from '../schemas/users.js';

/** Operator accounts (admin manages them; every role may read the list). */
export const userRoutes: FastifyPluginAsyncZod<{ clock: Clock }> = async (app, { clock }) => {
  app.get(
    '/api/v1/users',
    { config: { access: { role: 'auditor' } }, schema: { tags: ['users'], summary: 'List operator accounts', response: { 200: z.object({ items: z.array(UserView) }), ...errorResponses(401, 403) } } },
    async () => ({ items: (await app.services.users.list()).map((u) => userView(u, clock.now())) }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['users'],
        summary: 'Create an operator account',
        description: 'Without `password` the answer carries a one-time password (shown once) that must be changed at first sign-in.',
        body: CreateUserRequest,
        response: { 201: UserWithPassword, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { user, oneTimePassword } = await app.services.users.create(request.body, principalOf(request).actor);
      return reply.code(201).send({ user: userView(user, clock.now()), oneTimePassword });
    },
  );

  app.get(
    '/api/v1/users/:id',
    { config: { access: { role: 'auditor' } }, schema: { tags: ['users'], summary: 'One operator account', params: IdParams, response: { 200: UserView, ...errorResponses(400, 401, 403, 404) } } },
    async (request) => userView(await app.services.users.get(request.params.id), clock.now()),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['users'],
        summary: 'Change role or display name, disable or enable (ends the user’s sessions when disabling or changing the role)',
        params: IdParams,
        body: UpdateUserRequest,
        response: { 200: UserView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => userView(await app.services.users.update(request.params.id, request.body, principalOf(request).actor), clock.now()),
  );

  app.post(
    '/api/v1/users/:id/reset-password',
    {
      config: { access: { role: 'admin' } },
      schema: {
        tags: ['users'],
        summary: 'Set a new password (or a one-time one), unlock the account and end its sessions',
        params: IdParams,
        body: ResetPasswordRequest,
        response: { 200: UserWithPassword, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { user, oneTimePassword } = await app.services.users.resetPassword(request.params.id, request.body.password, principalOf(request).actor);
      return { user: userView(user, clock.now()), oneTimePassword };
    },
  );
};
