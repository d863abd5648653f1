import { ApiClient } from './api-client.js';
import { loginFilePath, readLoginFile } from './login-file.js';
import type { Io } from './output.js';
import { UsageError } from './usage-error.js';

export interface ClientFlags {
  server?: string;
  token?: string;
}

export function checkServerUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source}: "${value}" is not a URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${source}: expected an http or https URL, got "${value}"`);
  return value;
}

/** Server and token from flags, then PATCHWAVE_SERVER_URL / PATCHWAVE_API_TOKEN, then `patchwave login`. */
export function clientFromFlags(flags: ClientFlags, io: Io, fetchImpl?: typeof fetch): ApiClient {
  const needFile = !(flags.server ?? io.env.PATCHWAVE_SERVER_URL) || !(flags.token ?? io.env.PATCHWAVE_API_TOKEN);
  const login = needFile ? readLoginFile(loginFilePath(io.env)) : null;
  const server = flags.server
    ? checkServerUrl(flags.server, '--server')
    : io.env.PATCHWAVE_SERVER_URL
      ? checkServerUrl(io.env.PATCHWAVE_SERVER_URL, 'PATCHWAVE_SERVER_URL')
      : login?.server;
  const token = flags.token ?? io.env.PATCHWAVE_API_TOKEN ?? login?.token ?? null;
  if (!server) throw new UsageError('no server: pass --server <url>, set PATCHWAVE_SERVER_URL or run "patchwave login"');
  if (!token) throw new UsageError('no API token: pass --token <pwt_…>, set PATCHWAVE_API_TOKEN or run "patchwave login"');
  return new ApiClient({ server, token, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}
