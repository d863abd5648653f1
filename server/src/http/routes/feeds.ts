import { AdvisoryDetail, AdvisoryView, FeedImportBody, FeedImportResult, FeedStatus } from '@patchwave/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PatchwaveError } from '@patchwave/shared';
import { principalOf } from '../access-control.js';
import { errorResponses, pageOf } from '../schemas/common.js';
import { AdvisoryIdParams, AdvisoryListQuery, FeedImportListQuery } from '../schemas/vulnerabilities.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Feed imports (upload: the CLI reads files, directories and URLs and sends the bytes; the
 * server fetches only its own configured refresh URLs) and advisories with provenance. Importing
 * changes findings fleet-wide: operator role. A bad file answers 400 E_FEED_INVALID with every
 * issue (file, line, record, field) in `error.details.issues`, and nothing is imported.
 */
export const feedRoutes: FastifyPluginAsyncZod = async (app) => {
  const read = { access: { role: 'auditor' as const } };
  const v = app.vulnerabilities;

  app.post(
    '/api/v1/feeds/import',
    {
      config: { access: { role: 'operator' } },
      bodyLimit: v.config.feeds.maxUploadBytes,
      schema: {
        tags: ['feeds'],
        summary: 'Import feed files (OSV JSON/zip, CISA KEV, EPSS CSV(.gz), KB supersedence): all or nothing, idempotent',
        body: FeedImportBody,
        response: { 200: FeedImportResult, ...errorResponses(400, 401, 403, 413) },
      },
    },
    async (request) => {
      const files = request.body.files.map((f, i) => {
        if (!BASE64.test(f.data)) throw new PatchwaveError('E_VALIDATION', `body.files.${i}.data: ${f.name} is not base64`);
        return { name: f.name, bytes: Buffer.from(f.data, 'base64') };
      });
      const names = new Set<string>();
      for (const f of files) {
        if (names.has(f.name)) throw new PatchwaveError('E_VALIDATION', `body.files: "${f.name}" is given twice; file names identify records' provenance`);
        names.add(f.name);
      }
      const urls = new Map(Object.entries(request.body.urls ?? {}));
      return v.feeds.import(files, { actor: principalOf(request).actor, origin: urls.size > 0 ? 'url' : 'upload', urls });
    },
  );

  app.post(
    '/api/v1/feeds/refresh',
    {
      config: { access: { role: 'operator' } },
      schema: {
        tags: ['feeds'],
        summary: 'Fetch and import the configured feed URLs now (vulnerabilities.feeds.refresh.urls)',
        response: { 200: FeedImportResult, ...errorResponses(400, 401, 403) },
      },
    },
    async () => {
      if (v.config.feeds.refresh.urls.length === 0) throw new PatchwaveError('E_CONFLICT', 'no feed URLs are configured (vulnerabilities.feeds.refresh.urls)');
      return v.jobs.refreshFeeds();
    },
  );

  app.get(
    '/api/v1/feeds',
    { config: read, schema: { tags: ['feeds'], summary: 'What is imported: advisory count, KEV and EPSS versions with provenance, refresh settings', response: { 200: FeedStatus, ...errorResponses(401, 403) } } },
    async () => v.advisories.status(),
  );

  app.get(
    '/api/v1/feeds/imports',
    { config: read, schema: { tags: ['feeds'], summary: 'Import history, newest first', querystring: FeedImportListQuery, response: { 200: pageOf(FeedImportResult), ...errorResponses(400, 401, 403) } } },
    async (request) => v.advisories.imports(request.query.limit, request.query.offset),
  );

  app.get(
    '/api/v1/advisories',
    { config: read, schema: { tags: ['advisories'], summary: 'Advisories by CVE or package, newest first', querystring: AdvisoryListQuery, response: { 200: pageOf(AdvisoryView), ...errorResponses(400, 401, 403) } } },
    async (request) => v.advisories.list(request.query),
  );

  app.get(
    '/api/v1/advisories/:id',
    {
      config: read,
      schema: { tags: ['advisories'], summary: 'One advisory with its provenance and finding counts', params: AdvisoryIdParams, response: { 200: AdvisoryDetail, ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => v.advisories.get(request.params.id),
  );
};
