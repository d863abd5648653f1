import type { AdvisoryDetail, FeedImportResult, FeedStatus, Page } from '@patchwave/shared';
import { ApiError } from '../api-client.js';
import { CLIENT_OPTIONS, intFlag, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import { collectFeeds } from '../feed-files.js';
import type { Io } from '../output.js';
import { keyValues, printJson, safe, shortTime, table } from '../output.js';
import { UsageError } from '../usage-error.js';

export const FEEDS_HELP = `patchwave feeds — vulnerability feeds (OSV, CISA KEV, EPSS, Windows KB supersedence)

  patchwave feeds import <file|dir|url>... [--max-bytes N] [--timeout SECONDS] [--json]
        OSV JSON files or zips (as osv.dev publishes them per ecosystem), the KEV catalog JSON,
        an EPSS CSV (.gz), a KB supersedence JSON; directories are read recursively, URLs are
        downloaded here (default limits: 512 MiB in total, 300 s per download). All files form one
        import: a bad file rejects all of them and nothing changes. Importing the same files
        again changes nothing.
  patchwave feeds status [--json]          what is imported (versions, provenance, refresh settings)
  patchwave feeds imports [--limit N] [--json]   import history
  patchwave feeds refresh [--json]         fetch and import the server's configured feed URLs now
  patchwave advisories show <id> [--json]  one advisory with its provenance
`;

export async function feedsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import':
      return importFeeds(rest, io);
    case 'status':
      return status(rest, io);
    case 'imports':
      return imports(rest, io);
    case 'refresh':
      return refresh(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(FEEDS_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`feeds: unknown command "${sub}" (expected import, status, imports or refresh)`);
  }
}

function printImport(io: Io, r: FeedImportResult): void {
  const c = r.counts;
  const n = (x: { new: number; updated: number; unchanged: number; removed: number; older: number } | null) =>
    x === null ? '-' : `${x.new} new, ${x.updated} updated, ${x.unchanged} unchanged${x.removed ? `, ${x.removed} removed` : ''}${x.older ? `, ${x.older} older (kept as stored)` : ''}`;
  io.out(
    keyValues([
      ['import', r.id],
      ['files', r.sources.map((s) => `${s.name} (${s.kind}, ${s.records})`).join(', ')],
      ['advisories', `${n(c.advisories)}${c.unindexedAffected ? `; ${c.unindexedAffected} entries of ecosystems no agent reports` : ''}`],
      ['kev', n(c.kev)],
      ['epss', n(c.epss)],
      ['kb supersedence', c.supersedence ? `${c.supersedence.added} new of ${c.supersedence.edges} edges` : '-'],
      ['findings', `${r.findings.opened} opened, ${r.findings.reopened} reopened, ${r.findings.notAffected} not affected, ${r.findings.rescored} rescored (${r.findings.devicesEvaluated} devices re-matched)`],
    ]),
  );
  for (const w of r.warnings) io.err(`warning: ${safe(w.message)}\n`);
}

async function importFeeds(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, 'max-bytes': { type: 'string' }, timeout: { type: 'string' } }, 'feeds import', 10_000);
  if (values.help) return help(io);
  if (positionals.length === 0) throw new UsageError('feeds import: give at least one file, directory or URL');
  const client = clientFromFlags(values, io);
  const maxBytes = intFlag(values['max-bytes'], '--max-bytes', 1024, 8 * 1024 ** 3) ?? 512 * 1024 ** 2;
  const timeoutMs = (intFlag(values.timeout, '--timeout', 1, 3600) ?? 300) * 1000;
  const feeds = await collectFeeds(positionals, { maxBytes, timeoutMs });
  let result: FeedImportResult;
  try {
    result = await client.post<FeedImportResult>('/api/v1/feeds/import', {
      files: feeds.files.map((f) => ({ name: f.name, data: Buffer.from(f.bytes).toString('base64') })),
      ...(Object.keys(feeds.urls).length > 0 ? { urls: feeds.urls } : {}),
    });
  } catch (err) {
    if (err instanceof ApiError && err.code === 'E_FEED_INVALID') io.err(`patchwave: nothing was imported\n`);
    throw err;
  }
  if (values.json) printJson(io, result);
  else printImport(io, result);
  return 0;
}

async function status(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, CLIENT_OPTIONS, 'feeds status');
  if (values.help) return help(io);
  const s = await clientFromFlags(values, io).get<FeedStatus>('/api/v1/feeds');
  if (values.json) {
    printJson(io, s);
    return 0;
  }
  const feed = (f: FeedStatus['kev']) => (f ? `${f.version} (${f.released}), ${f.entries} entries, from ${f.feedFile} at ${shortTime(f.importedAt)}` : 'not imported');
  io.out(
    keyValues([
      ['advisories', s.advisories],
      ['kev', feed(s.kev)],
      ['epss', feed(s.epss)],
      ['kb supersedence edges', s.supersedenceEdges],
      ['scheduled refresh', s.refresh.enabled ? `${s.refresh.schedule} (UTC) from ${s.refresh.urls.join(', ')}` : 'off'],
    ]),
  );
  return 0;
}

async function imports(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...CLIENT_OPTIONS, limit: { type: 'string' } }, 'feeds imports');
  if (values.help) return help(io);
  const page = await clientFromFlags(values, io).get<Page<FeedImportResult>>('/api/v1/feeds/imports', { limit: intFlag(values.limit, '--limit', 1, 1000) });
  if (values.json) printJson(io, page);
  else if (page.items.length === 0) io.out('no imports yet\n');
  else {
    io.out(
      table(
        ['ID', 'WHEN', 'BY', 'ORIGIN', 'FILES', 'ADVISORIES NEW/UPD', 'FINDINGS OPENED'],
        page.items.map((r) => [r.id, shortTime(r.startedAt), r.actor, r.origin, r.sources.length, `${r.counts.advisories.new}/${r.counts.advisories.updated}`, r.findings.opened]),
      ),
    );
  }
  return 0;
}

async function refresh(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, CLIENT_OPTIONS, 'feeds refresh');
  if (values.help) return help(io);
  const r = await clientFromFlags(values, io).post<FeedImportResult>('/api/v1/feeds/refresh', {});
  if (values.json) printJson(io, r);
  else printImport(io, r);
  return 0;
}

export async function advisoriesCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'show') {
    if (sub === undefined || sub === 'help' || sub === '--help') {
      io.out(FEEDS_HELP);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`advisories: unknown command "${sub}" (expected show)`);
  }
  const { values, positionals } = parse(rest, CLIENT_OPTIONS, 'advisories show', 1);
  const id = requirePositional(positionals, 0, 'advisory id', 'advisories show');
  const a = await clientFromFlags(values, io).get<AdvisoryDetail>(`/api/v1/advisories/${encodeURIComponent(id)}`);
  if (values.json) {
    printJson(io, a);
    return 0;
  }
  io.out(
    keyValues([
      ['id', a.id],
      ['summary', a.summary],
      ['published', a.published ?? '-'],
      ['modified', a.modified],
      ['withdrawn', a.withdrawn ?? '-'],
      ['cves', a.cves.join(', ') || '-'],
      ['cvss', a.cvss.map((c) => `${c.baseScore} ${c.severity} (${c.vector})`).join('; ') || '-'],
      ['severity label', a.severityLabel ?? '-'],
      ['imported', `${a.provenance.feedFile} by import ${a.provenance.importId} at ${a.provenance.importedAt} (first ${a.provenance.firstImportedAt})`],
      ['findings', `${a.findings.active} active of ${a.findings.total}`],
    ]),
  );
  io.out(table(['ECOSYSTEM', 'PACKAGE', 'FIXED IN'], a.affected.map((x) => [x.ecosystem, x.name, x.fixedVersions.join(', ') || 'no fix'])));
  return 0;
}

function help(io: Io): number {
  io.out(FEEDS_HELP);
  return 0;
}
