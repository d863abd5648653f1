import { CLIENT_OPTIONS, parse } from '../args.js';
import { ApiClient } from '../api-client.js';
import { checkServerUrl } from '../client-from-flags.js';
import { loginFilePath, removeLoginFile, writeLoginFile } from '../login-file.js';
import type { Io } from '../output.js';
import { UsageError } from '../usage-error.js';

export const LOGIN_HELP = `patchwave login --server URL --token TOKEN    check the token and remember both
patchwave logout                                forget them

The login file (mode 0600) is $XDG_CONFIG_HOME/patchwave/cli.json (PATCHWAVE_CLI_CONFIG overrides).
`;

export async function loginCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, CLIENT_OPTIONS, 'login');
  if (values.help) {
    io.out(LOGIN_HELP);
    return 0;
  }
  const server = values.server ?? io.env.PATCHWAVE_SERVER_URL;
  const token = values.token ?? io.env.PATCHWAVE_API_TOKEN;
  if (!server) throw new UsageError('login: --server <url> is required');
  if (!token) throw new UsageError('login: --token <pwt_…> is required');
  checkServerUrl(server, '--server');
  await new ApiClient({ server, token }).get('/api/v1/devices', { limit: 1 });
  const path = loginFilePath(io.env);
  writeLoginFile(path, { server, token });
  io.out(`logged in to ${server}; saved to ${path}\n`);
  return 0;
}

export async function logoutCommand(args: string[], io: Io): Promise<number> {
  parse(args, { help: { type: 'boolean', short: 'h' } }, 'logout');
  const path = loginFilePath(io.env);
  io.out(removeLoginFile(path) ? `removed ${path}\n` : 'not logged in\n');
  return 0;
}
