import type { ApiTokenView, CreatedApiToken } from '@patchwave/shared';
import { OPERATOR_ROLES } from '@patchwave/shared';
import { parseDuration } from '../../domain/duration.js';
import { CLIENT_OPTIONS, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { keyValues, printJson, shortTime, table } from '../output.js';
import { UsageError } from '../usage-error.js';

export const API_TOKEN_HELP = `patchwave api-token — API tokens for the CLI and automation (admin)

  patchwave api-token create --name TEXT --role admin|operator|approver|auditor
                             [--expires 90d | --no-expiry] [--json]
  patchwave api-token list [--json]
  patchwave api-token revoke <id> [--json]

The secret (pwt_…) is printed once; the server keeps only its hash. Tokens expire after 90 days
unless --expires or --no-expiry say otherwise; a token belongs to the user who created it and
stops working when that user is disabled or loses the role.
`;

export async function apiTokenCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create':
      return create(rest, io);
    case 'list':
      return list(rest, io);
    case 'revoke':
      return revoke(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(API_TOKEN_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`api-token: unknown command "${sub}" (expected create, list or revoke)`);
  }
}

async function create(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...CLIENT_OPTIONS, name: { type: 'string' }, role: { type: 'string' }, expires: { type: 'string' }, 'no-expiry': { type: 'boolean' } }, 'api-token create');
  if (values.help) return help(io);
  if (!values.name) throw new UsageError('api-token create: --name is required');
  if (!values.role || !(OPERATOR_ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role: expected ${OPERATOR_ROLES.join(', ')}, got "${values.role ?? ''}"`);
  if (values.expires && values['no-expiry']) throw new UsageError('api-token create: give --expires or --no-expiry, not both');
  if (values.expires !== undefined && (parseDuration(values.expires) === null || /s$/.test(values.expires))) {
    throw new UsageError(`--expires: expected a duration like 90m, 24h, 30d or 2w, got "${values.expires}"`);
  }
  const body = { name: values.name, role: values.role, ...(values.expires ? { expiresIn: values.expires } : {}), ...(values['no-expiry'] ? { neverExpires: true } : {}) };
  const created = await clientFromFlags(values, io).post<CreatedApiToken>('/api/v1/api-tokens', body);
  if (values.json) {
    printJson(io, created);
    return 0;
  }
  io.out(keyValues([['id', created.id], ['name', created.name], ['role', created.role], ['expires', created.expiresAt ?? 'never']]));
  io.out(`\nAPI token (shown once; only its hash is stored):\n  ${created.token}\n`);
  return 0;
}

async function list(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, CLIENT_OPTIONS, 'api-token list');
  if (values.help) return help(io);
  const { items } = await clientFromFlags(values, io).get<{ items: ApiTokenView[] }>('/api/v1/api-tokens');
  if (values.json) {
    printJson(io, items);
    return 0;
  }
  io.out(table(['ID', 'NAME', 'ROLE', 'STATUS', 'EXPIRES', 'LAST USED'], items.map((t) => [t.id, t.name, t.role, t.status, t.expiresAt ? shortTime(t.expiresAt) : 'never', shortTime(t.lastUsedAt)])));
  return 0;
}

async function revoke(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'api-token revoke', 1);
  if (values.help) return help(io);
  const id = requirePositional(positionals, 0, 'token id', 'api-token revoke');
  const token = await clientFromFlags(values, io).delete<ApiTokenView>(`/api/v1/api-tokens/${encodeURIComponent(id)}`);
  if (values.json) printJson(io, token);
  else io.out(`revoked API token ${token.id} (${token.name}) at ${token.revokedAt}\n`);
  return 0;
}

function help(io: Io): number {
  io.out(API_TOKEN_HELP);
  return 0;
}
