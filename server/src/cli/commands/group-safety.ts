import type { GroupSafetyList, GroupSafetyView, HealthProbe } from '@patchwave/shared';
import { CLIENT_OPTIONS, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { printJson, safe, shortTime } from '../output.js';
import { UsageError } from '../usage-error.js';
import { specFromFile } from './deploy-spec.js';

export const GROUP_HELP = `patchwave group safety — holds, health probes and pre-flight checks per device group

  patchwave group safety show [<group>] [--json]          one group, or every group that has settings
  patchwave group safety set <group> --file SETTINGS.json [--json]   replace the group's settings
  patchwave group safety clear <group> [--json]           remove them

A device is in group NAME when it has the tag group=NAME; the group "*" applies to every device.
SETTINGS.json: {"holds": [{"name": "openssl", "manager": "apt", "versionRange": ">=3.0 <3.1", "reason": "…"}],
                "probes": [{"kind": "http", "name": "web", "url": "http://127.0.0.1:8080/health", "expectStatus": [200]},
                           {"kind": "tcp", "name": "db", "port": 5432}, {"kind": "service", "name": "ssh", "service": "ssh"},
                           {"kind": "process", "name": "nginx", "process": "nginx"}],
                "preflight": {"minFreeDiskMb": 500, "requireLockFree": true, "requireAcPower": false, "pendingReboot": "skip"},
                "settleMs": 10000}
`;

const path = (group: string) => `/api/v1/groups/${encodeURIComponent(group)}/safety`;

export async function groupCommand(args: string[], io: Io): Promise<number> {
  const [area, sub, ...rest] = args;
  if (area === undefined || area === 'help' || area === '--help' || area === '-h') {
    io.out(GROUP_HELP);
    return area === undefined ? 2 : 0;
  }
  if (area !== 'safety') throw new UsageError(`group: unknown command "${area}" (expected safety)`);
  switch (sub) {
    case 'show':
      return show(rest, io);
    case 'set':
      return set(rest, io);
    case 'clear':
      return clear(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(GROUP_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`group safety: unknown command "${sub}" (expected show, set or clear)`);
  }
}

function probeLine(p: HealthProbe): string {
  const what = p.kind === 'http' ? `${p.url} -> ${p.expectStatus?.join('|') ?? '2xx'}` : p.kind === 'tcp' ? `${p.host}:${p.port}` : p.kind === 'service' ? p.service : p.process;
  return `  probe  ${safe(p.name)}  ${p.kind} ${safe(what)} (timeout ${p.timeoutMs} ms)\n`;
}

/** Human form of one group's settings. */
export function renderGroupSafety(v: GroupSafetyView): string {
  const s = v.settings;
  const lines = [`group ${safe(v.group)} (updated ${shortTime(v.updatedAt)} by ${safe(v.updatedBy)})\n`];
  for (const h of s.holds) {
    lines.push(`  hold   ${safe(h.name)}${h.manager ? ` (${h.manager})` : ''}  ${h.versionRange ? `only ${safe(h.versionRange)}` : 'never change'}${h.reason ? ` — ${safe(h.reason)}` : ''}\n`);
  }
  for (const p of s.probes) lines.push(probeLine(p));
  if (s.preflight) {
    const f = s.preflight;
    lines.push(`  preflight  free disk >= ${f.minFreeDiskMb} MiB, lock free: ${f.requireLockFree ? 'required' : 'no'}, AC power: ${f.requireAcPower ? 'required' : 'no'}, pending reboot: ${f.pendingReboot}\n`);
  }
  if (s.settleMs !== undefined) lines.push(`  settle  broken probes retried for ${s.settleMs} ms after applying\n`);
  if (s.holds.length + s.probes.length === 0 && !s.preflight) lines.push('  (empty)\n');
  return lines.join('');
}

async function show(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'group safety show', 1);
  if (values.help) return help(io);
  const client = clientFromFlags(values, io);
  const group = positionals[0];
  if (group === undefined) {
    const all = await client.get<GroupSafetyList>('/api/v1/groups/safety');
    if (values.json) printJson(io, all);
    else io.out(all.items.length === 0 ? 'no group has safety settings\n' : all.items.map(renderGroupSafety).join('\n'));
    return 0;
  }
  const view = await client.get<GroupSafetyView>(path(group));
  if (values.json) printJson(io, view);
  else io.out(renderGroupSafety(view));
  return 0;
}

async function set(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, file: { type: 'string' } }, 'group safety set', 1);
  if (values.help) return help(io);
  const group = requirePositional(positionals, 0, 'group (a name, or "*" for every device)', 'group safety set');
  if (!values.file) throw new UsageError('group safety set: give the settings with --file SETTINGS.json');
  const view = await clientFromFlags(values, io).put<GroupSafetyView>(path(group), specFromFile(values.file));
  if (values.json) printJson(io, view);
  else io.out(`set safety settings of group ${safe(view.group)}\n${renderGroupSafety(view)}`);
  return 0;
}

async function clear(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'group safety clear', 1);
  if (values.help) return help(io);
  const group = requirePositional(positionals, 0, 'group', 'group safety clear');
  const removed = await clientFromFlags(values, io).delete<GroupSafetyView>(path(group));
  if (values.json) printJson(io, removed);
  else io.out(`cleared safety settings of group ${safe(removed.group)}\n`);
  return 0;
}

function help(io: Io): number {
  io.out(GROUP_HELP);
  return 0;
}
