import { ComplianceSeries, ComplianceSummary, PatchCatalogEntry, SelectionResolveBody, SelectionResolveResult } from '@patchwave/shared';
import type { Priority } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../access-control.js';
import { errorResponses, pageOf } from '../schemas/common.js';
import { boolOf, CatalogQuery, ComplianceQuery, periodOf, ReportQuery, scopeOf, SeriesQuery } from '../schemas/vulnerabilities.js';

const DAY_MS = 86_400_000;

/**
 * Compliance metrics (summary, daily series), the compliance report (JSON, CSV, PDF), the patch
 * catalog and finding selections. All are reads: any role, auditors included, may call them;
 * making a report is recorded in the audit log.
 */
export const complianceRoutes: FastifyPluginAsyncZod = async (app) => {
  const read = { access: { role: 'auditor' as const } };
  const v = app.vulnerabilities;
  const now = () => v.clock.now();

  app.get(
    '/api/v1/compliance/summary',
    {
      config: read,
      schema: {
        tags: ['compliance'],
        summary: 'Coverage, time to patch, MTTR, SLA attainment, failure rate, stale devices, breakdown per tag/group/OS',
        description: 'A period ending now reads maintained aggregates; one ending in the past is computed from the finding history.',
        querystring: ComplianceQuery,
        response: { 200: ComplianceSummary, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const period = periodOf(request.query, now());
      return v.compliance.summary({ ...period, scope: scopeOf(request.query), ...(request.query.staleAfterDays ? { staleAfterDays: request.query.staleAfterDays } : {}) });
    },
  );

  app.get(
    '/api/v1/compliance/series',
    {
      config: read,
      schema: { tags: ['compliance'], summary: 'Daily points of one slice from stored snapshots (90-day charts)', querystring: SeriesQuery, response: { 200: ComplianceSeries, ...errorResponses(400, 401, 403) } },
    },
    async (request) => {
      const t = now().getTime();
      const to = new Date(t).toISOString().slice(0, 10);
      const from = new Date(t - (request.query.days - 1) * DAY_MS).toISOString().slice(0, 10);
      const { dimension } = request.query;
      return v.compliance.series({ dimension, key: dimension === 'all' ? 'all' : request.query.key }, from, to);
    },
  );

  app.get(
    '/api/v1/reports/compliance',
    {
      config: read,
      schema: {
        tags: ['compliance'],
        summary: 'The compliance report as JSON, CSV (one table) or PDF, with the audit-log head hash it was made at',
        querystring: ReportQuery,
        produces: ['application/json', 'text/csv', 'application/pdf'],
        response: { 200: z.any().describe('The report in the asked format'), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { format, table, ...q } = request.query;
      const period = periodOf(q, now());
      const report = await v.reports.complianceReport(
        { ...period, scope: scopeOf(q), ...(q.staleAfterDays ? { staleAfterDays: q.staleAfterDays } : {}) },
        format,
        principalOf(request).actor,
        table,
      );
      return reply
        .header('content-type', report.contentType)
        .header('content-disposition', `attachment; filename="${report.fileName}"`)
        .header('x-patchwave-audit-head', report.auditHeadHash)
        .send(report.body);
    },
  );

  app.get(
    '/api/v1/catalog',
    {
      config: read,
      schema: {
        tags: ['compliance'],
        summary: 'Patch catalog: distinct available updates across the fleet, devices needing each, findings each fixes; most urgent first',
        querystring: CatalogQuery,
        response: { 200: pageOf(PatchCatalogEntry), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      return v.planning.catalog({
        ...(q.fixesFindings ? { fixesFindings: boolOf(q.fixesFindings) as boolean } : {}),
        ...(q.kev ? { kev: boolOf(q.kev) as boolean } : {}),
        ...(q.security ? { security: boolOf(q.security) as boolean } : {}),
        ...(q.priority ? { priority: q.priority satisfies Priority } : {}),
        ...(q.name ? { name: q.name } : {}),
        limit: q.limit,
        offset: q.offset,
      });
    },
  );

  app.post(
    '/api/v1/selections/resolve',
    {
      config: read,
      schema: {
        tags: ['compliance'],
        summary: 'Resolve "fixes P1 findings" / "fixes CVE-X" / "fixes KEV findings" to package@version per device (changes nothing)',
        body: SelectionResolveBody,
        response: { 200: SelectionResolveResult, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { selection, deviceIds, tags } = request.body;
      return v.planning.resolve(selection, { ...(deviceIds ? { deviceIds } : {}), ...(tags ? { tags } : {}) });
    },
  );
};
