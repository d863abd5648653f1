import type { UserView, UserWithPassword } from '@patchwave/shared';
import { OPERATOR_ROLES, Password, USERNAME_PATTERN } from '@patchwave/shared';
import { CLIENT_OPTIONS, parse, requirePositional } from '../args.js';
import type { ApiClient } from '../api-client.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { keyValues, printJson, shortTime, table } from '../output.js';
import { UsageError } from '../usage-error.js';

export const USER_HELP = `patchwave user — operator accounts (admin)

  patchwave user create <username> --role admin|operator|approver|auditor [--display-name TEXT]
                        [--password-stdin] [--json]
  patchwave user list [--json]
  patchwave user disable <username|id> [--json]
  patchwave user enable <username|id> [--json]
  patchwave user set-role <username|id> <role> [--json]
  patchwave user reset-password <username|id> [--password-stdin] [--json]

Without --password-stdin the server generates a one-time password, printed once, that the user
must change at first sign-in. Disabling a user or changing their role ends their sessions;
their API tokens stop working while they are disabled.
`;

export async function userCommand(args: string[], io: Io, stdin: () => Promise<string> = readStdin): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create':
      return create(rest, io, stdin);
    case 'list':
      return list(rest, io);
    case 'disable':
    case 'enable':
      return setDisabled(rest, io, sub === 'disable');
    case 'set-role':
      return setRole(rest, io);
    case 'reset-password':
      return resetPassword(rest, io, stdin);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USER_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`user: unknown command "${sub}" (expected create, list, disable, enable, set-role or reset-password)`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function passwordFrom(stdin: () => Promise<string>): Promise<string> {
  const password = (await stdin()).split(/\r?\n/)[0] ?? '';
  const checked = Password.safeParse(password);
  if (!checked.success) throw new UsageError(`--password-stdin: ${checked.error.issues[0]?.message ?? 'not a valid password'}`);
  return checked.data;
}

function role(value: string | undefined, flag: string): string {
  if (!value || !(OPERATOR_ROLES as readonly string[]).includes(value)) throw new UsageError(`${flag}: expected ${OPERATOR_ROLES.join(', ')}, got "${value ?? ''}"`);
  return value;
}

/** A user by id, or by username (looked up in the list). */
async function resolveUser(client: ApiClient, ref: string): Promise<UserView> {
  const { items } = await client.get<{ items: UserView[] }>('/api/v1/users');
  const found = items.find((u) => u.id === ref || u.username.toLowerCase() === ref.toLowerCase());
  if (!found) throw new UsageError(`no user "${ref}" (see "patchwave user list")`);
  return found;
}

function show(io: Io, u: UserView): void {
  io.out(
    keyValues([
      ['id', u.id],
      ['username', u.username],
      ['display name', u.displayName || '-'],
      ['role', u.role],
      ['state', u.disabled ? 'disabled' : u.lockedUntil ? `locked until ${u.lockedUntil}` : 'active'],
      ['last login', u.lastLoginAt ?? 'never'],
    ]),
  );
}

function printWithPassword(io: Io, result: UserWithPassword, json: boolean | undefined): void {
  if (json) return printJson(io, result);
  show(io, result.user);
  if (result.oneTimePassword) io.out(`\nOne-time password (shown once; it must be changed at first sign-in):\n  ${result.oneTimePassword}\n`);
}

async function create(args: string[], io: Io, stdin: () => Promise<string>): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, role: { type: 'string' }, 'display-name': { type: 'string' }, 'password-stdin': { type: 'boolean' } }, 'user create', 1);
  if (values.help) return help(io);
  const username = requirePositional(positionals, 0, 'username', 'user create');
  if (!USERNAME_PATTERN.test(username)) throw new UsageError(`user create: "${username}" is not a valid username (1-64 of letters, digits and . _ @ -)`);
  const body = {
    username,
    role: role(values.role, '--role'),
    ...(values['display-name'] !== undefined ? { displayName: values['display-name'] } : {}),
    ...(values['password-stdin'] ? { password: await passwordFrom(stdin) } : {}),
  };
  const created = await clientFromFlags(values, io).post<UserWithPassword>('/api/v1/users', body);
  printWithPassword(io, created, values.json);
  return 0;
}

async function list(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, CLIENT_OPTIONS, 'user list');
  if (values.help) return help(io);
  const { items } = await clientFromFlags(values, io).get<{ items: UserView[] }>('/api/v1/users');
  if (values.json) {
    printJson(io, items);
    return 0;
  }
  io.out(
    table(
      ['ID', 'USERNAME', 'ROLE', 'STATE', 'LAST LOGIN'],
      items.map((u) => [u.id, u.username, u.role, u.disabled ? 'disabled' : u.lockedUntil ? 'locked' : u.mustChangePassword ? 'must change password' : 'active', shortTime(u.lastLoginAt)]),
    ),
  );
  return 0;
}

async function setDisabled(args: string[], io: Io, disabled: boolean): Promise<number> {
  const command = disabled ? 'user disable' : 'user enable';
  const { values, positionals } = parse(args, CLIENT_OPTIONS, command, 1);
  if (values.help) return help(io);
  const client = clientFromFlags(values, io);
  const user = await resolveUser(client, requirePositional(positionals, 0, 'username or id', command));
  const after = await client.patch<UserView>(`/api/v1/users/${encodeURIComponent(user.id)}`, { disabled });
  if (values.json) printJson(io, after);
  else io.out(`${disabled ? 'disabled' : 'enabled'} user ${after.username}${disabled ? '; their sessions ended and their API tokens stop working' : ''}\n`);
  return 0;
}

async function setRole(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'user set-role', 2);
  if (values.help) return help(io);
  const client = clientFromFlags(values, io);
  const user = await resolveUser(client, requirePositional(positionals, 0, 'username or id', 'user set-role'));
  const after = await client.patch<UserView>(`/api/v1/users/${encodeURIComponent(user.id)}`, { role: role(positionals[1], 'role') });
  if (values.json) printJson(io, after);
  else io.out(`user ${after.username} now has the ${after.role} role; their sessions ended\n`);
  return 0;
}

async function resetPassword(args: string[], io: Io, stdin: () => Promise<string>): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, 'password-stdin': { type: 'boolean' } }, 'user reset-password', 1);
  if (values.help) return help(io);
  const client = clientFromFlags(values, io);
  const user = await resolveUser(client, requirePositional(positionals, 0, 'username or id', 'user reset-password'));
  const body = values['password-stdin'] ? { password: await passwordFrom(stdin) } : {};
  const result = await client.post<UserWithPassword>(`/api/v1/users/${encodeURIComponent(user.id)}/reset-password`, body);
  printWithPassword(io, result, values.json);
  return 0;
}

function help(io: Io): number {
  io.out(USER_HELP);
  return 0;
}
