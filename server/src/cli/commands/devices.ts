import { CRITICALITIES, TAG_PATTERN } from '../../domain/devices/device.js';
import { CLIENT_OPTIONS, intFlag, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { keyValues, printJson, shortTime, table } from '../output.js';
import { UsageError } from '../usage-error.js';
import { DEVICE_TRUST_HELP, deviceTrustCommand } from './device-trust.js';

interface DeviceDto {
  id: string;
  hostname: string;
  os: { platform: string; id: string; distro: string; release: string };
  arch: string;
  agentVersion: string;
  criticality: string;
  tags: string[];
  enrolledAt: string;
  lastSeenAt: string;
  online: boolean;
  inventoryAt: string | null;
  rebootRequired: boolean | 'unknown' | null;
  counts: { packages: number; updates: number; securityUpdates: number };
  facts?: { hardware?: { model?: string; serial?: string }; os?: { kernel?: string } };
  inventoryHash?: string | null;
  managers?: { name: string; ok: boolean; version?: string }[];
  approved?: boolean;
  credentialRevokedAt?: string | null;
}

interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const DEVICES_HELP = `patchwave devices — enrolled devices

  patchwave devices list [--name TEXT] [--os OS] [--tag TAG] [--sort hostname|lastSeenAt|enrolledAt|criticality]
                         [--order asc|desc] [--limit N] [--offset N] [--json]
  patchwave devices show <id> [--json]
  patchwave devices update <id> [--tag TAG]... [--clear-tags] [--criticality low|medium|high|critical] [--json]
${DEVICE_TRUST_HELP}`;

const SORTS = ['hostname', 'lastSeenAt', 'enrolledAt', 'criticality'];

export async function devicesCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return list(rest, io);
    case 'show':
      return show(rest, io);
    case 'update':
      return update(rest, io);
    case 'trust':
    case 'approve':
    case 'revoke':
    case 'rotate-credential':
      return deviceTrustCommand(sub, rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(DEVICES_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`devices: unknown command "${sub}" (expected list, show, update, trust, approve, revoke or rotate-credential)`);
  }
}

const reboot = (r: DeviceDto['rebootRequired']): string => (r === null ? '-' : r === 'unknown' ? '?' : r ? 'yes' : 'no');

async function list(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      ...CLIENT_OPTIONS,
      name: { type: 'string' },
      os: { type: 'string' },
      tag: { type: 'string' },
      sort: { type: 'string' },
      order: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
    },
    'devices list',
  );
  if (values.help) return help(io);
  if (values.sort && !SORTS.includes(values.sort)) throw new UsageError(`--sort: expected one of ${SORTS.join(', ')}, got "${values.sort}"`);
  if (values.order && !['asc', 'desc'].includes(values.order)) throw new UsageError(`--order: expected asc or desc, got "${values.order}"`);
  const page = await clientFromFlags(values, io).get<Page<DeviceDto>>('/api/v1/devices', {
    name: values.name,
    os: values.os,
    tag: values.tag,
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
    io.out(page.total === 0 ? 'no devices\n' : `no devices on this page (${page.total} in total)\n`);
    return 0;
  }
  io.out(
    table(
      ['ID', 'HOSTNAME', 'OS', 'STATE', 'LAST SEEN', 'PKGS', 'UPDATES', 'SECURITY', 'REBOOT', 'TAGS'],
      page.items.map((d) => [
        d.id,
        d.hostname,
        `${d.os.id || d.os.platform} ${d.os.release}`,
        d.online ? 'online' : 'offline',
        shortTime(d.lastSeenAt),
        d.counts.packages,
        d.counts.updates,
        d.counts.securityUpdates,
        reboot(d.rebootRequired),
        d.tags.join(',') || '-',
      ]),
    ),
  );
  if (page.total > page.offset + page.items.length) io.out(`showing ${page.offset + 1}-${page.offset + page.items.length} of ${page.total}; use --offset for more\n`);
  return 0;
}

function describe(io: Io, d: DeviceDto): void {
  io.out(
    keyValues([
      ['id', d.id],
      ['hostname', d.hostname],
      ['os', `${d.os.distro} ${d.os.release} (${d.os.platform}, ${d.arch})`],
      ['kernel', d.facts?.os?.kernel ?? '-'],
      ['model', d.facts?.hardware?.model ?? '-'],
      ['serial', d.facts?.hardware?.serial ?? '-'],
      ['agent', d.agentVersion],
      ['state', d.online ? 'online' : 'offline'],
      ['trust', d.credentialRevokedAt ? `credential revoked ${d.credentialRevokedAt}` : d.approved === false ? 'waits for approval (gets no jobs)' : 'approved'],
      ['criticality', d.criticality],
      ['tags', d.tags.join(', ') || '-'],
      ['enrolled', d.enrolledAt],
      ['last seen', d.lastSeenAt],
      ['inventory at', d.inventoryAt ?? 'no inventory yet'],
      ['packages', d.counts.packages],
      ['updates', `${d.counts.updates} (${d.counts.securityUpdates} security)`],
      ['reboot needed', reboot(d.rebootRequired)],
      ['managers', (d.managers ?? []).map((m) => `${m.name}${m.version ? ` ${m.version}` : ''}${m.ok ? '' : ' (failed)'}`).join(', ') || '-'],
    ]),
  );
}

async function show(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'devices show', 1);
  if (values.help) return help(io);
  const id = requirePositional(positionals, 0, 'device id', 'devices show');
  const device = await clientFromFlags(values, io).get<DeviceDto>(`/api/v1/devices/${encodeURIComponent(id)}`);
  if (values.json) printJson(io, device);
  else describe(io, device);
  return 0;
}

async function update(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...CLIENT_OPTIONS, tag: { type: 'string', multiple: true }, 'clear-tags': { type: 'boolean' }, criticality: { type: 'string' } },
    'devices update',
    1,
  );
  if (values.help) return help(io);
  const id = requirePositional(positionals, 0, 'device id', 'devices update');
  const body: { tags?: string[]; criticality?: string } = {};
  if (values.tag && values['clear-tags']) throw new UsageError('devices update: give --tag or --clear-tags, not both');
  for (const tag of values.tag ?? []) if (!TAG_PATTERN.test(tag)) throw new UsageError(`--tag: "${tag}" is not a valid tag`);
  if (values.tag) body.tags = values.tag;
  if (values['clear-tags']) body.tags = [];
  if (values.criticality !== undefined) {
    if (!(CRITICALITIES as readonly string[]).includes(values.criticality)) throw new UsageError(`--criticality: expected ${CRITICALITIES.join(', ')}, got "${values.criticality}"`);
    body.criticality = values.criticality;
  }
  if (body.tags === undefined && body.criticality === undefined) throw new UsageError('devices update: give --tag, --clear-tags or --criticality');
  const device = await clientFromFlags(values, io).patch<DeviceDto>(`/api/v1/devices/${encodeURIComponent(id)}`, body);
  if (values.json) printJson(io, device);
  else describe(io, device);
  return 0;
}

function help(io: Io): number {
  io.out(DEVICES_HELP);
  return 0;
}
