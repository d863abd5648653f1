import { writeFile } from 'node:fs/promises';
import type { ComplianceSummary, Page, PatchCatalogEntry, Ratio, SelectionResolveResult } from '@patchwave/shared';
import { CLIENT_OPTIONS, intFlag, parse } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { keyValues, printJson, table } from '../output.js';
import { UsageError } from '../usage-error.js';

export const COMPLIANCE_HELP = `patchwave report / compliance / catalog / selections — compliance and patch planning

  patchwave report compliance [--from DATE] [--to DATE] [--group G,…] [--tag T,…] [--os OS,…]
                              [--format json|csv|pdf] [--table metrics|breakdown|overdue-findings|deployments|stale-devices]
                              [--out FILE]
        The compliance report (default JSON on stdout; PDF needs --out). DATE is YYYY-MM-DD or an
        ISO time; --to defaults to now, --from to 30 days before. The report names the audit-log
        head hash it was made at.
  patchwave compliance summary [--from DATE] [--to DATE] [--group G,…] [--tag T,…] [--os OS,…] [--json]
  patchwave catalog [--fixes-findings] [--kev] [--priority P1] [--security] [--name TEXT] [--limit N] [--json]
  patchwave selections resolve (--kev | --cve CVE,… | --priority P1,… | --advisory ID,…) [--tag T]... [--device ID]... [--json]
        package@version per device that fixes the selected findings (changes nothing)
`;

const s = { type: 'string' } as const;
const PERIOD = { ...CLIENT_OPTIONS, from: s, to: s, group: s, tag: s, os: s } as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkWhen(value: string | undefined, flag: string): string | undefined {
  if (value !== undefined && !DATE.test(value) && Number.isNaN(Date.parse(value))) throw new UsageError(`${flag}: expected a date (YYYY-MM-DD) or an ISO-8601 time, got "${value}"`);
  return value;
}

function periodQuery(values: { from?: string; to?: string; group?: string; tag?: string; os?: string }) {
  return { from: checkWhen(values.from, '--from'), to: checkWhen(values.to, '--to'), group: values.group, tag: values.tag, os: values.os };
}

export async function reportCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'compliance') {
    if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
      io.out(COMPLIANCE_HELP);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`report: unknown report "${sub}" (expected compliance)`);
  }
  const { values } = parse(rest, { ...PERIOD, format: s, table: s, out: { type: 'string', short: 'o' } }, 'report compliance');
  if (values.help) return help(io);
  const format = values.format ?? 'json';
  if (!['json', 'csv', 'pdf'].includes(format)) throw new UsageError(`--format: expected json, csv or pdf, got "${format}"`);
  if (values.table && format !== 'csv') throw new UsageError('--table is for --format csv');
  if (format === 'pdf' && !values.out) throw new UsageError('report compliance: a PDF needs --out FILE');
  const { bytes, headers } = await clientFromFlags(values, io).getRaw('/api/v1/reports/compliance', { ...periodQuery(values), format, table: values.table });
  if (values.out) {
    await writeFile(values.out, bytes);
    io.err(`wrote ${values.out} (${format}, ${bytes.length} bytes, audit head ${headers.get('x-patchwave-audit-head') ?? '?'})\n`);
  } else {
    io.out(bytes.toString('utf8'));
  }
  return 0;
}

const pct = (r: Ratio): string => (r.percent === null ? 'n/a (0 of 0)' : `${r.percent.toFixed(1)} % (${r.numerator}/${r.denominator})`);
const days = (n: number | null): string => (n === null ? 'n/a' : `${n} d`);

export async function complianceCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'summary') {
    if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
      io.out(COMPLIANCE_HELP);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`compliance: unknown command "${sub}" (expected summary)`);
  }
  const { values } = parse(rest, PERIOD, 'compliance summary');
  if (values.help) return help(io);
  const c = await clientFromFlags(values, io).get<ComplianceSummary>('/api/v1/compliance/summary', periodQuery(values));
  if (values.json) {
    printJson(io, c);
    return 0;
  }
  io.out(
    keyValues([
      ['period', `${c.period.from} — ${c.period.to}`],
      ['devices', `${c.devices.inScope} in scope (${c.devices.stale} stale) of ${c.devices.total}`],
      ['no overdue finding', pct(c.coverage.noOverdue)],
      ['no missing security update', pct(c.coverage.noMissingSecurity)],
      ['time to patch (median / p90)', `${days(c.timeToPatch.fromFirstSeen.medianDays)} / ${days(c.timeToPatch.fromFirstSeen.p90Days)} over ${c.timeToPatch.fromFirstSeen.count} fixes`],
      ['MTTR', days(c.mttrDays)],
      ['SLA attainment', pct(c.slaAttainment)],
      ['patch failure rate', pct(c.failureRate.overall)],
      ['open findings', `${c.openFindings.total} (${c.openFindings.overdue} overdue; P1 ${c.openFindings.byPriority.P1}, P2 ${c.openFindings.byPriority.P2}, P3 ${c.openFindings.byPriority.P3}, P4 ${c.openFindings.byPriority.P4})`],
    ]),
  );
  if (c.staleDevices.length > 0) io.out(`stale devices: ${c.staleDevices.map((d) => `${d.hostname} (${d.daysSilent === null ? 'never seen' : `${d.daysSilent} d`})`).join(', ')}\n`);
  return 0;
}

export async function catalogCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    { ...CLIENT_OPTIONS, 'fixes-findings': { type: 'boolean' }, kev: { type: 'boolean' }, priority: s, security: { type: 'boolean' }, name: s, limit: s, offset: s },
    'catalog',
  );
  if (values.help) return help(io);
  if (values.priority && !/^P[1-4]$/.test(values.priority)) throw new UsageError(`--priority: expected P1, P2, P3 or P4, got "${values.priority}"`);
  const page = await clientFromFlags(values, io).get<Page<PatchCatalogEntry>>('/api/v1/catalog', {
    fixesFindings: values['fixes-findings'] ? 'true' : undefined,
    kev: values.kev ? 'true' : undefined,
    security: values.security ? 'true' : undefined,
    priority: values.priority,
    name: values.name,
    limit: intFlag(values.limit, '--limit', 1, 1000),
    offset: intFlag(values.offset, '--offset', 0, 1_000_000_000),
  });
  if (values.json) printJson(io, page);
  else if (page.items.length === 0) io.out('no available updates\n');
  else {
    io.out(
      table(
        ['UPDATE', 'MANAGER', 'SECURITY', 'TOP', 'KEV', 'DEVICES', 'FINDINGS', 'CVES'],
        page.items.map((e) => [`${e.name}@${e.version}`, e.manager, String(e.security), e.topPriority ?? '-', e.kev ? 'yes' : '-', e.deviceCount, e.findingCount, e.cves.join(' ') || '-']),
      ),
    );
  }
  return 0;
}

export async function selectionsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'resolve') {
    if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
      io.out(COMPLIANCE_HELP);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`selections: unknown command "${sub}" (expected resolve)`);
  }
  const { values } = parse(rest, { ...CLIENT_OPTIONS, kev: { type: 'boolean' }, cve: s, priority: s, advisory: s, tag: { type: 'string', multiple: true }, device: { type: 'string', multiple: true } }, 'selections resolve');
  if (values.help) return help(io);
  const given = [values.kev, values.cve, values.priority, values.advisory].filter((v) => v !== undefined && v !== false);
  if (given.length !== 1) throw new UsageError('selections resolve: give exactly one of --kev, --cve, --priority or --advisory');
  const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);
  const selection = values.kev
    ? { kind: 'kev' }
    : values.cve
      ? { kind: 'cve', cves: list(values.cve) }
      : values.priority
        ? { kind: 'priority', priorities: list(values.priority) }
        : { kind: 'advisory', advisoryIds: list(values.advisory as string) };
  const r = await clientFromFlags(values, io).post<SelectionResolveResult>('/api/v1/selections/resolve', {
    selection,
    ...(values.tag ? { tags: values.tag } : {}),
    ...(values.device ? { deviceIds: values.device } : {}),
  });
  if (values.json) {
    printJson(io, r);
    return 0;
  }
  io.out(`${r.findingsSelected} findings selected; ${r.devices.length} devices get updates; ${r.unresolved.length} findings no update fixes\n`);
  io.out(table(['DEVICE', 'PACKAGE', 'VERSION', 'FIXES'], r.devices.flatMap((d) => d.packages.map((p) => [d.deviceId, `${p.manager}:${p.name}:${p.arch}`, p.version, p.fixes.length]))));
  if (r.unresolved.length > 0) io.out(table(['FINDING', 'DEVICE', 'WHY NOT'], r.unresolved.map((u) => [u.findingId, u.deviceId, u.reason])));
  return 0;
}

function help(io: Io): number {
  io.out(COMPLIANCE_HELP);
  return 0;
}
