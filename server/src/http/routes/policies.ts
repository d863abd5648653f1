import { PagingQuery, PolicyActionRequest, PolicyList, PolicyRunList, PolicyRunView, PolicySpec, PolicyView } from '@patchwave/shared';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { operatorIdentity } from '../../domain/api-tokens/api-token.js';
import type { Operator } from '../../domain/deployments/context.js';
import { toRunView } from '../../domain/policies/policy-views.js';
import { principalOf } from '../access-control.js';
import { errorResponses } from '../schemas/common.js';

function operatorOf(request: FastifyRequest): Operator {
  const p = principalOf(request);
  return { id: p.id, name: p.name, actor: p.actor, identity: operatorIdentity(p) };
}

/** A policy by id or by its (unique) name. */
const PolicyParams = z.object({ id: z.string().trim().min(1).max(128) });
const tags = ['policies'];
const operator = { access: { role: 'operator' as const } };
const read = { access: { role: 'auditor' as const } };
const view = { 200: PolicyView, ...errorResponses(400, 401, 403, 404, 409) };

/**
 * Patch policies: create, list, read, replace, delete, pause, resume, run now, and the run history.
 * Reading needs any role; changing needs operator. Routes are thin: one service call each.
 */
export const policyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { policies, runner } = app.policies;

  app.post(
    '/api/v1/policies',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Create a patch policy',
        description: 'Validated in full before anything is stored: scope, selection, deferral, waves, schedule (dates, times, time zones, cron), reboot policy and auto-approval rules.',
        body: PolicySpec,
        response: { 201: PolicyView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const created = await policies.create(request.body, operatorOf(request));
      return reply.code(201).send(await policies.get(created.id));
    },
  );

  app.get('/api/v1/policies', { config: read, schema: { tags, summary: 'List patch policies with their next runs', response: { 200: PolicyList, ...errorResponses(401, 403) } } }, async () => policies.list());

  app.get('/api/v1/policies/:id', { config: read, schema: { tags, summary: 'One policy with its next runs and last run', params: PolicyParams, response: view } }, async (request) =>
    policies.get(request.params.id),
  );

  app.put(
    '/api/v1/policies/:id',
    { config: operator, schema: { tags, summary: 'Replace a policy', description: 'A changed schedule or scope counts from now.', params: PolicyParams, body: PolicySpec, response: view } },
    async (request) => {
      const updated = await policies.replace(request.params.id, request.body, operatorOf(request));
      return policies.get(updated.id);
    },
  );

  app.delete(
    '/api/v1/policies/:id',
    { config: operator, schema: { tags, summary: 'Delete a policy (its runs and deployments stay)', params: PolicyParams, response: { 204: z.null(), ...errorResponses(400, 401, 403, 404) } } },
    async (request, reply) => {
      await policies.delete(request.params.id, operatorOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/policies/:id/pause',
    {
      config: operator,
      schema: { tags, summary: 'Pause a policy and the later waves of its running deployments', params: PolicyParams, body: PolicyActionRequest, response: view },
    },
    async (request) => {
      const p = await policies.pause(request.params.id, request.body.reason, operatorOf(request));
      return policies.get(p.id);
    },
  );

  app.post(
    '/api/v1/policies/:id/resume',
    { config: operator, schema: { tags, summary: 'Resume a policy and the deployments its pause paused', params: PolicyParams, body: PolicyActionRequest, response: view } },
    async (request) => {
      const p = await policies.resume(request.params.id, request.body.reason, operatorOf(request));
      return policies.get(p.id);
    },
  );

  app.post(
    '/api/v1/policies/:id/run-now',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Run a policy now',
        description: 'Selects updates per device; with nothing to do the run is recorded and nothing is created, else a deployment is created and its dry run requested.',
        params: PolicyParams,
        response: { 202: PolicyRunView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.code(202).send(toRunView(await runner.runNow(request.params.id, operatorOf(request)))),
  );

  app.get(
    '/api/v1/policies/:id/runs',
    { config: read, schema: { tags, summary: 'Run history, newest first', params: PolicyParams, querystring: PagingQuery, response: { 200: PolicyRunList, ...errorResponses(400, 401, 403, 404) } } },
    async (request) => policies.runs(request.params.id, { limit: request.query.limit, offset: request.query.offset }),
  );
};
