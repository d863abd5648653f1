import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type Proc, startServer } from '../../support/processes.js';

/**
 * A real `patchwave server start` for the console tests: the first admin user ("admin") gets a
 * password the test chose (`--admin-password-file`), so a test signs in as a person would; the
 * admin API token printed at first start drives set-up through the REST API. `config` goes to
 * `--config` (the deployment tests use a fast deployment loop).
 */
export interface ConsoleServer {
  proc: Proc;
  url: string;
  token: string;
  adminPassword: string;
}

export const FAST_DEPLOYMENTS = { deployments: { tickSeconds: 0.5, answerGraceMinutes: 0.5 }, heartbeatSeconds: 5 };

export async function startConsoleServer(dir: string, config?: object): Promise<ConsoleServer> {
  const adminPassword = `admin-${randomBytes(12).toString('base64url')}`;
  const passwordFile = join(dir, 'admin-password');
  writeFileSync(passwordFile, `${adminPassword}\n`, { mode: 0o600 });
  const args = ['--admin-password-file', passwordFile];
  if (config) {
    const configFile = join(dir, 'server.json');
    writeFileSync(configFile, JSON.stringify(config));
    args.push('--config', configFile);
  }
  const started = await startServer(join(dir, 'data'), await freePort(), args);
  if (!started.token) throw new Error('first start printed no admin token');
  return { proc: started.proc, url: started.url, token: started.token, adminPassword };
}

/** REST calls as the admin API token (set-up and checks behind the browser's back). */
export class AdminApi {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  async ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A user with a password of their own (no forced change); returns the password. */
  async user(username: string, role: 'admin' | 'operator' | 'approver' | 'auditor'): Promise<string> {
    const password = `${username}-${randomBytes(9).toString('base64url')}`;
    await this.ok('POST', '/api/v1/users', { username, role, password });
    return password;
  }
}
