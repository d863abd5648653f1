import {
  ApproveDeploymentRequest,
  DeploymentActionRequest,
  DeploymentList,
  DeploymentPlanView,
  DeploymentSpec,
  DeploymentView,
  DeviceJobList,
  ResumeDeploymentRequest,
  RollbackRequest,
  RollbackView,
  SkipGatesRequest,
} from '@patchwave/shared';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Operator } from '../../domain/deployments/context.js';
import { operatorIdentity } from '../../domain/api-tokens/api-token.js';
import { principalOf } from '../access-control.js';
import { errorResponses } from '../schemas/common.js';
import { DeploymentIdParams, DeploymentListQuery, DeviceJobQuery, StartDeploymentRequest } from '../schemas/deployments.js';

/** The acting operator: `actor` is the audit identity, the same for every request of one principal. */
function operatorOf(request: FastifyRequest): Operator {
  const p = principalOf(request);
  return { id: p.id, name: p.name, actor: p.actor, identity: operatorIdentity(p) };
}

const tags = ['deployments'];
const operator = { access: { role: 'operator' as const } };
const read = { access: { role: 'auditor' as const } };
const view = { 200: DeploymentView, ...errorResponses(400, 401, 403, 404, 409) };

/**
 * Deployments: create (validated, nothing stored on a bad spec), list, read with per-wave progress
 * and gate status, dry run, approve, start, pause, resume, abort, skip gates, roll back, and the
 * device jobs with their results. Routes are thin: one service call each.
 */
export const deploymentRoutes: FastifyPluginAsyncZod = async (app) => {
  const d = app.deployments;

  app.post(
    '/api/v1/deployments',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Create a deployment',
        description:
          'Validated in full before anything is stored: shape and bounds, overlapping waves, cron syntax, that the targets select enrolled devices, and that named packages are known to a target. A named package that a target device\'s group holds is refused with 409 E_PKG_HELD (naming the package, group and reason). It then awaits approval (`approval.required`) or is scheduled.',
        body: DeploymentSpec,
        response: { 201: DeploymentView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const created = await d.commands.create(request.body, operatorOf(request));
      return reply.code(201).send(await d.reads.get(created.id));
    },
  );

  app.get(
    '/api/v1/deployments',
    { config: read, schema: { tags, summary: 'List deployments, newest first', querystring: DeploymentListQuery, response: { 200: DeploymentList, ...errorResponses(400, 401, 403) } } },
    async (request) => d.reads.list({ ...(request.query.state ? { states: request.query.state } : {}), limit: request.query.limit, offset: request.query.offset }),
  );

  app.get(
    '/api/v1/deployments/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One deployment with per-wave progress and gate status',
        description: 'The current wave is judged live; `gate.checks` carries the numbers behind each gate.',
        params: DeploymentIdParams,
        response: view,
      },
    },
    async (request) => d.reads.get(request.params.id),
  );

  app.post(
    '/api/v1/deployments/:id/plan',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Ask every target agent for its dry run',
        description: 'Before start: each target device gets a `plan` job; results arrive as agents answer (GET the plan to follow them).',
        params: DeploymentIdParams,
        response: { 202: DeploymentPlanView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(202).send(await d.plans.request(request.params.id, operatorOf(request))),
  );

  app.get(
    '/api/v1/deployments/:id/plan',
    { config: read, schema: { tags, summary: 'The latest dry run, device by device', params: DeploymentIdParams, response: { 200: DeploymentPlanView, ...errorResponses(400, 401, 403, 404) } } },
    async (request) => d.plans.view(request.params.id),
  );

  app.post(
    '/api/v1/deployments/:id/approve',
    {
      config: { access: { role: 'approver' } },
      schema: { tags, summary: 'Approve (not by its author)', params: DeploymentIdParams, body: ApproveDeploymentRequest.default({}), response: view },
    },
    async (request) => {
      await d.commands.approve(request.params.id, request.body, operatorOf(request));
      return d.reads.get(request.params.id);
    },
  );

  app.post(
    '/api/v1/deployments/:id/start',
    {
      config: operator,
      schema: { tags, summary: 'Start a scheduled deployment now', params: DeploymentIdParams, body: StartDeploymentRequest, response: view },
    },
    async (request) => {
      await d.commands.start(request.params.id, operatorOf(request), request.body.reason);
      return d.reads.get(request.params.id);
    },
  );

  app.post(
    '/api/v1/deployments/:id/pause',
    { config: operator, schema: { tags, summary: 'Pause: no new device starts', params: DeploymentIdParams, body: DeploymentActionRequest, response: view } },
    async (request) => {
      await d.commands.pause(request.params.id, request.body.reason, operatorOf(request));
      return d.reads.get(request.params.id);
    },
  );

  app.post(
    '/api/v1/deployments/:id/resume',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Resume a paused or halted deployment',
        description: 'After a halt, `retryFailed` (default true) gives the failed devices of the current wave a new job.',
        params: DeploymentIdParams,
        body: ResumeDeploymentRequest,
        response: view,
      },
    },
    async (request) => {
      await d.commands.resume(request.params.id, request.body, operatorOf(request));
      return d.reads.get(request.params.id);
    },
  );

  app.post(
    '/api/v1/deployments/:id/abort',
    { config: operator, schema: { tags, summary: 'Abort: pending jobs are skipped, offered ones withdrawn', params: DeploymentIdParams, body: DeploymentActionRequest, response: view } },
    async (request) => {
      await d.commands.abort(request.params.id, request.body.reason, operatorOf(request));
      return d.reads.get(request.params.id);
    },
  );

  app.post(
    '/api/v1/deployments/:id/skip-gate',
    { config: operator, schema: { tags, summary: "Waive gates of the current wave (a halted deployment runs again)", params: DeploymentIdParams, body: SkipGatesRequest, response: view } },
    async (request) => {
      await d.commands.skipGates(request.params.id, request.body, operatorOf(request));
      return d.reads.get(request.params.id);
    },
  );

  app.post(
    '/api/v1/deployments/:id/rollback',
    {
      config: operator,
      schema: {
        tags,
        summary: 'Roll back devices, a wave or the whole deployment',
        description: 'Each device gets the versions it recorded before applying; adapters that cannot restore them report E_ROLLBACK_UNSUPPORTED. Pause or abort a running deployment first.',
        params: DeploymentIdParams,
        body: RollbackRequest,
        response: { 202: RollbackView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(202).send(await d.rollbacks.rollback(request.params.id, request.body, operatorOf(request))),
  );

  app.get(
    '/api/v1/deployments/:id/devices',
    {
      config: read,
      schema: {
        tags,
        summary: 'Device jobs with their results (versions before and after, reboot, re-inventory evidence)',
        params: DeploymentIdParams,
        querystring: DeviceJobQuery,
        response: { 200: DeviceJobList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const items = await d.reads.jobs(request.params.id, request.query);
      return { items, total: items.length };
    },
  );
};
