import { parseDuration } from '../../domain/duration.js';
import { TAG_PATTERN } from '../../domain/devices/device.js';
import { CLIENT_OPTIONS, intFlag, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { keyValues, printJson, shortTime, table } from '../output.js';
import { UsageError } from '../usage-error.js';

interface TokenDto {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  expiresAt: string;
  maxUses: number;
  uses: number;
  revokedAt: string | null;
  tags: string[];
  requiresApproval?: boolean;
  token?: string;
}

export const TOKEN_HELP = `patchwave token — enrollment tokens

  patchwave token create [--expires 24h] [--max-uses 1] [--name TEXT] [--tag TAG]... [--requires-approval] [--json]
  patchwave token list [--status active|expired|revoked|exhausted] [--json]
  patchwave token revoke <id> [--json]

The secret of a new token is printed once; only its hash is stored. Devices enrolled with a
--requires-approval token get no jobs until "patchwave devices approve <id>".
`;

export async function tokenCommand(args: string[], io: Io): Promise<number> {
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
      io.out(TOKEN_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`token: unknown command "${sub}" (expected create, list or revoke)`);
  }
}

async function create(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    { ...CLIENT_OPTIONS, expires: { type: 'string' }, 'max-uses': { type: 'string' }, name: { type: 'string' }, tag: { type: 'string', multiple: true }, 'requires-approval': { type: 'boolean' } },
    'token create',
  );
  if (values.help) return help(io);
  const body: Record<string, unknown> = {};
  if (values.expires !== undefined) {
    if (parseDuration(values.expires) === null) throw new UsageError(`--expires: expected a duration like 90m, 24h, 7d or 2w, got "${values.expires}"`);
    body.expiresIn = values.expires;
  }
  const maxUses = intFlag(values['max-uses'], '--max-uses', 1, 100_000);
  if (maxUses !== undefined) body.maxUses = maxUses;
  if (values.name !== undefined) body.name = values.name;
  for (const tag of values.tag ?? []) if (!TAG_PATTERN.test(tag)) throw new UsageError(`--tag: "${tag}" is not a valid tag (letters, digits and . _ : = / @ + -, at most 64)`);
  if (values.tag) body.tags = values.tag;
  if (values['requires-approval']) body.requiresApproval = true;
  const created = await clientFromFlags(values, io).post<TokenDto>('/api/v1/enrollment-tokens', body);
  if (values.json) {
    printJson(io, created);
    return 0;
  }
  io.out(
    keyValues([
      ['id', created.id],
      ['name', created.name],
      ['expires', created.expiresAt],
      ['max uses', created.maxUses],
      ['tags', created.tags.join(', ') || '-'],
      ['approval', created.requiresApproval ? 'required: enrolled devices get no jobs until approved' : 'not required'],
    ]),
  );
  io.out(`\nEnrollment token (shown once; only its hash is stored):\n  ${created.token}\n`);
  return 0;
}

async function list(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...CLIENT_OPTIONS, status: { type: 'string' } }, 'token list');
  if (values.help) return help(io);
  if (values.status && !['active', 'expired', 'revoked', 'exhausted'].includes(values.status)) {
    throw new UsageError(`--status: expected active, expired, revoked or exhausted, got "${values.status}"`);
  }
  const { items } = await clientFromFlags(values, io).get<{ items: TokenDto[] }>('/api/v1/enrollment-tokens', { status: values.status });
  if (values.json) {
    printJson(io, items);
    return 0;
  }
  if (items.length === 0) {
    io.out('no enrollment tokens\n');
    return 0;
  }
  io.out(table(['ID', 'NAME', 'STATUS', 'USES', 'EXPIRES', 'TAGS'], items.map((t) => [t.id, t.name, t.status, `${t.uses}/${t.maxUses}`, shortTime(t.expiresAt), t.tags.join(',') || '-'])));
  return 0;
}

async function revoke(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'token revoke', 1);
  if (values.help) return help(io);
  const id = requirePositional(positionals, 0, 'token id', 'token revoke');
  const token = await clientFromFlags(values, io).delete<TokenDto>(`/api/v1/enrollment-tokens/${encodeURIComponent(id)}`);
  if (values.json) printJson(io, token);
  else io.out(`revoked enrollment token ${token.id} (${token.name}) at ${token.revokedAt}\n`);
  return 0;
}

function help(io: Io): number {
  io.out(TOKEN_HELP);
  return 0;
}
