import type { FindingDetail, FindingListItem, Page } from '@patchwave/shared';
import { CLIENT_OPTIONS, intFlag, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { keyValues, printJson, safe, shortTime, table } from '../output.js';
import { UsageError } from '../usage-error.js';

export const FINDINGS_HELP = `patchwave findings — vulnerability findings, ranked by risk

  patchwave findings list [--priority P1,P2] [--status open,overdue,fixed,accepted_risk,not_affected] [--overdue]
                          [--cve CVE-…] [--package NAME] [--device ID] [--tag TAG] [--advisory ID]
                          [--source osv|package-manager|kb] [--kev] [--sort score|dueAt|firstSeenAt|lastSeenAt]
                          [--order asc|desc] [--limit N] [--offset N] [--json]
  patchwave findings show <id> [--json]      score factors with their weights, due date and rule, evidence, history
  patchwave findings accept-risk <id> --reason TEXT (--days N | --expires ISO-TIME) [--json]   (approver role)
  patchwave findings revoke-exception <id> [--json]                                          (approver role)
  patchwave findings not-affected <id> --note TEXT [--json]                                 (approver role)
`;

const PRIORITIES = /^(P[1-4])(,P[1-4])*$/;
const STATES = ['open', 'overdue', 'fixed', 'accepted_risk', 'not_affected'];

export async function findingsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return list(rest, io);
    case 'show':
      return show(rest, io);
    case 'accept-risk':
      return acceptRisk(rest, io);
    case 'revoke-exception':
      return action(rest, io, 'revoke-exception');
    case 'not-affected':
      return action(rest, io, 'not-affected');
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(FINDINGS_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`findings: unknown command "${sub}" (expected list, show, accept-risk, revoke-exception or not-affected)`);
  }
}

async function list(args: string[], io: Io): Promise<number> {
  const s = { type: 'string' } as const;
  const { values } = parse(
    args,
    { ...CLIENT_OPTIONS, priority: s, status: s, overdue: { type: 'boolean' }, cve: s, package: s, device: s, tag: s, advisory: s, source: s, kev: { type: 'boolean' }, sort: s, order: s, limit: s, offset: s },
    'findings list',
  );
  if (values.help) return help(io);
  if (values.priority && !PRIORITIES.test(values.priority)) throw new UsageError(`--priority: expected priorities like P1 or P1,P2, got "${values.priority}"`);
  for (const st of values.status?.split(',') ?? []) if (!STATES.includes(st)) throw new UsageError(`--status: expected ${STATES.join(', ')} (comma-separated), got "${st}"`);
  if (values.source && !['osv', 'package-manager', 'kb'].includes(values.source)) throw new UsageError(`--source: expected osv, package-manager or kb, got "${values.source}"`);
  const page = await clientFromFlags(values, io).get<Page<FindingListItem>>('/api/v1/findings', {
    priority: values.priority,
    status: values.status,
    overdue: values.overdue ? 'true' : undefined,
    cve: values.cve,
    package: values.package,
    device: values.device,
    tag: values.tag,
    advisory: values.advisory,
    source: values.source,
    kev: values.kev ? 'true' : undefined,
    sort: values.sort,
    order: values.order,
    limit: intFlag(values.limit, '--limit', 1, 1000),
    offset: intFlag(values.offset, '--offset', 0, 1_000_000_000),
  });
  if (values.json) {
    printJson(io, page);
    return 0;
  }
  if (page.items.length === 0) {
    io.out(page.total === 0 ? 'no findings\n' : `no findings on this page (${page.total} in total)\n`);
    return 0;
  }
  io.out(
    table(
      ['ID', 'PRI', 'SCORE', 'STATE', 'DUE', 'HOST', 'PACKAGE', 'INSTALLED', 'FIXED IN', 'ADVISORY', 'KEV', 'CVES'],
      page.items.map((f) => [
        f.id, f.score.priority, f.score.total.toFixed(1), f.state, shortTime(f.dueAt), f.hostname, f.package.name, f.package.installedVersion,
        f.fixedVersion ?? 'no fix', f.advisoryId, f.kev ? 'yes' : '-', f.cves.join(' ') || '-',
      ]),
    ),
  );
  if (page.total > page.offset + page.items.length) io.out(`showing ${page.offset + 1}-${page.offset + page.items.length} of ${page.total}; use --offset for more\n`);
  return 0;
}

function describe(io: Io, f: FindingDetail): void {
  io.out(
    keyValues([
      ['id', f.id],
      ['state', `${f.state}${f.overdue ? ' (past its due date)' : ''}`],
      ['device', `${f.hostname} (${f.deviceId})`],
      ['package', `${f.package.name} ${f.package.installedVersion} (${f.package.binaries.map((b) => `${b.name}:${b.arch}`).join(', ') || f.ecosystem})`],
      ['fixed in', f.fixedVersion ?? 'no fix published'],
      ['advisory', `${f.advisoryId}${f.advisory ? ` — ${f.advisory.summary}` : ''} [${f.source}, ${f.ecosystem}]`],
      ['cves', f.cves.join(', ') || '-'],
      ['severity', `${f.severity}${f.cvss ? ` (CVSS ${f.cvss.version} ${f.cvss.baseScore}: ${f.cvss.vector})` : ''}`],
      ['risk score', `${f.score.total} → ${f.score.priority}${f.score.floor ? ` (${f.score.floor.reason})` : ''}, model ${f.score.model}`],
      ['first seen', `${f.firstSeenAt} (${f.firstSeenReportId.startsWith('import:') ? `when feed import ${f.firstSeenReportId.slice(7)} matched it` : `inventory report ${f.firstSeenReportId}`})`],
      ['due', `${f.dueAt} (${f.dueRule})`],
      ['evidence', f.evidence ? `${f.evidence.kind} to ${f.evidence.installedVersion ?? '(removed)'} in inventory report ${f.evidence.inventoryReportId} at ${f.evidence.observedAt}` : '-'],
      ['exception', f.exception ? `${f.exception.reason} — approved by ${f.exception.approver} at ${f.exception.approvedAt}, until ${f.exception.expiresAt}` : '-'],
    ]),
  );
  io.out('\nscore factors (points = 100 × value × weight ÷ sum of weights):\n');
  io.out(table(['FACTOR', 'INPUT', 'VALUE', 'WEIGHT', 'POINTS', 'SOURCE'], f.score.factors.map((x) => [x.factor, String(x.input), x.value.toFixed(3), x.weight, x.points.toFixed(1), x.source])));
  io.out('\nhistory:\n');
  io.out(table(['AT', 'EVENT', 'FROM', 'TO', 'BY', 'DETAIL'], f.events.map((e) => [e.at, e.kind, e.from ?? '-', e.to, e.actor ?? 'inventory/feed', safe(JSON.stringify(e.detail))])));
}

async function show(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'findings show', 1);
  if (values.help) return help(io);
  const id = requirePositional(positionals, 0, 'finding id', 'findings show');
  const f = await clientFromFlags(values, io).get<FindingDetail>(`/api/v1/findings/${encodeURIComponent(id)}`);
  if (values.json) printJson(io, f);
  else describe(io, f);
  return 0;
}

async function acceptRisk(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, reason: { type: 'string' }, days: { type: 'string' }, expires: { type: 'string' } }, 'findings accept-risk', 1);
  if (values.help) return help(io);
  const id = requirePositional(positionals, 0, 'finding id', 'findings accept-risk');
  if (!values.reason?.trim()) throw new UsageError('findings accept-risk: --reason is required (why the risk is accepted)');
  if ((values.days === undefined) === (values.expires === undefined)) throw new UsageError('findings accept-risk: give exactly one of --days N or --expires ISO-TIME');
  if (values.expires !== undefined && Number.isNaN(Date.parse(values.expires))) throw new UsageError(`--expires: expected an ISO-8601 time such as 2026-03-31T00:00:00Z, got "${values.expires}"`);
  const body = { reason: values.reason, ...(values.days !== undefined ? { days: intFlag(values.days, '--days', 1, 3650) } : { expiresAt: new Date(values.expires as string).toISOString() }) };
  const f = await clientFromFlags(values, io).post<FindingDetail>(`/api/v1/findings/${encodeURIComponent(id)}/accept-risk`, body);
  if (values.json) printJson(io, f);
  else describe(io, f);
  return 0;
}

async function action(args: string[], io: Io, verb: 'revoke-exception' | 'not-affected'): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, note: { type: 'string' } }, `findings ${verb}`, 1);
  if (values.help) return help(io);
  const id = requirePositional(positionals, 0, 'finding id', `findings ${verb}`);
  if (verb === 'not-affected' && !values.note?.trim()) throw new UsageError('findings not-affected: --note is required (why the device is not affected)');
  const f = await clientFromFlags(values, io).post<FindingDetail>(`/api/v1/findings/${encodeURIComponent(id)}/${verb}`, verb === 'not-affected' ? { note: values.note } : {});
  if (values.json) printJson(io, f);
  else describe(io, f);
  return 0;
}

function help(io: Io): number {
  io.out(FINDINGS_HELP);
  return 0;
}
