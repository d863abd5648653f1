import { AcceptRiskBody, FindingDetail, FindingListItem, NotAffectedBody, RiskExceptionView } from '@patchwave/shared';
import type { FindingState, Priority } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { operatorIdentity } from '../../domain/api-tokens/api-token.js';
import type { FindingQuery } from '../../domain/vulnerabilities/ports.js';
import type { Operator } from '../../domain/vulnerabilities/index.js';
import { principalOf } from '../access-control.js';
import { errorResponses, IdParams, pageOf } from '../schemas/common.js';
import { boolOf, DeviceFindingQuery, ExceptionListQuery, FindingIdParams, FindingListQuery, splitList } from '../schemas/vulnerabilities.js';

function findingQuery(q: Omit<FindingListQuery, 'device' | 'tag'> & { device?: string; tag?: string }): FindingQuery {
  const states = splitList(q.status) as FindingState[];
  if (q.overdue === 'true' && !states.includes('overdue')) states.push('overdue');
  return {
    ...(q.priority ? { priorities: splitList(q.priority) as Priority[] } : {}),
    ...(states.length > 0 ? { states } : {}),
    ...(q.cve ? { cve: q.cve } : {}),
    ...(q.package ? { package: q.package } : {}),
    ...(q.device ? { deviceId: q.device } : {}),
    ...(q.tag ? { tag: q.tag } : {}),
    ...(q.advisory ? { advisoryId: q.advisory } : {}),
    ...(q.source ? { source: q.source } : {}),
    ...(q.kev ? { kev: boolOf(q.kev) as boolean } : {}),
    sort: q.sort,
    order: q.order,
    limit: q.limit,
    offset: q.offset,
  };
}

function operator(request: FastifyRequest): Operator {
  const p = principalOf(request);
  return { actor: p.actor, approver: `${p.name} [${operatorIdentity(p)}]` };
}

/**
 * Findings: list with filters, one finding with its score factors and weights, due date and rule,
 * evidence and history; risk acceptance. Accepting a risk, revoking an exception and marking a
 * finding not affected need the approver role (or admin): operators patch, approvers own residual
 * risk (docs/vulnerabilities.md). Everyone may read.
 */
export const findingRoutes: FastifyPluginAsyncZod = async (app) => {
  const read = { access: { role: 'auditor' as const } };
  const approve = { access: { role: 'approver' as const } };
  const v = app.vulnerabilities;

  app.get(
    '/api/v1/findings',
    {
      config: read,
      schema: {
        tags: ['findings'],
        summary: 'List findings',
        description: 'Filters combine with AND; list filters are comma-separated. `status` is the state at request time: overdue is a state, an expired exception is open again.',
        querystring: FindingListQuery,
        response: { 200: pageOf(FindingListItem), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => v.findings.list(findingQuery(request.query)),
  );

  app.get(
    '/api/v1/findings/:id',
    {
      config: read,
      schema: {
        tags: ['findings'],
        summary: 'One finding: score factors and weights, due date and rule, evidence, exceptions, history',
        params: FindingIdParams,
        response: { 200: FindingDetail, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => v.findings.get(request.params.id),
  );

  app.post(
    '/api/v1/findings/:id/accept-risk',
    {
      config: approve,
      schema: {
        tags: ['findings'],
        summary: 'Accept the risk until an expiry (approver): the finding leaves the SLA until then',
        params: FindingIdParams,
        body: AcceptRiskBody,
        response: { 200: FindingDetail, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => v.findings.acceptRisk(request.params.id, request.body, operator(request)),
  );

  app.post(
    '/api/v1/findings/:id/revoke-exception',
    {
      config: approve,
      schema: { tags: ['findings'], summary: 'End an accepted risk now (approver)', params: FindingIdParams, response: { 200: FindingDetail, ...errorResponses(400, 401, 403, 404, 409) } },
    },
    async (request) => v.findings.revokeException(request.params.id, operator(request)),
  );

  app.post(
    '/api/v1/findings/:id/not-affected',
    {
      config: approve,
      schema: {
        tags: ['findings'],
        summary: 'Record an assessment that the device is not affected (approver)',
        params: FindingIdParams,
        body: NotAffectedBody,
        response: { 200: FindingDetail, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => v.findings.markNotAffected(request.params.id, request.body.note, operator(request)),
  );

  app.get(
    '/api/v1/devices/:id/findings',
    {
      config: read,
      schema: { tags: ['findings'], summary: "One device's findings", params: IdParams, querystring: DeviceFindingQuery, response: { 200: pageOf(FindingListItem), ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => {
      await app.services.devices.get(request.params.id);
      return v.findings.list(findingQuery({ ...request.query, device: request.params.id }));
    },
  );

  app.get(
    '/api/v1/exceptions',
    {
      config: read,
      schema: { tags: ['findings'], summary: 'Risk exceptions, newest first (active=true: in force now)', querystring: ExceptionListQuery, response: { 200: pageOf(RiskExceptionView), ...errorResponses(400, 401, 403) } },
    },
    async (request) =>
      v.findings.exceptions({
        ...(request.query.finding ? { findingId: request.query.finding } : {}),
        ...(request.query.active === 'true' ? { active: true } : {}),
        limit: request.query.limit,
        offset: request.query.offset,
      }),
  );
};
