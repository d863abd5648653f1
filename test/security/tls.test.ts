import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { AGENT_WS_PATH, AUTH_PATHS, normalizeFingerprint } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../server/src/config.js';
import type { RunningServer } from '../../server/src/server.js';
import { startServer } from '../../server/src/server.js';
import { cli, freePort, printed, SERVER_BIN, spawnNode, stop } from '../support/processes.js';
import { eventually } from './support/security-server.js';
import { startTrustedAgent, type TrustedAgent } from './support/trusted-agent.js';

/**
 * Threats on the wire: credentials, sessions and jobs read or changed in transit, an agent talking
 * to an impostor server, a server left listening in clear on a network. `patchwave server cert`
 * and `server start` run as real processes; the TLS server and the pinning agent run in-process.
 */

let dir: string;
let dataDir: string;
let fingerprint: string;
let server: RunningServer;
const agents: TrustedAgent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchwave-tls-'));
  dataDir = join(dir, 'data');
  const made = await cli(['server', 'cert', '--self-signed', '--data-dir', dataDir, '--host', 'localhost', '--host', '127.0.0.1']);
  expect(made.code, made.stderr).toBe(0);
  fingerprint = /PATCHWAVE_SERVER_FINGERPRINT=([0-9A-F:]{95})/.exec(made.stdout)?.[1] as string;
  expect(fingerprint).toBeDefined();
  server = await startServer(loadConfig({ dataDir, port: '0' }, {}), { logDestination: { write: () => undefined } as never });
}, 120_000);

afterAll(async () => {
  for (const a of agents.splice(0)) await a.stop();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function enrollToken(): Promise<string> {
  return (await server.app.services.enrollment.createToken({ name: 'tls', expiresAt: new Date(Date.now() + 3_600_000), maxUses: 5, tags: [] }, 'system')).secret;
}

describe('TLS', () => {
  it('server cert --self-signed writes the key 0600 and the certificate whose fingerprint it printed', async () => {
    expect((await stat(join(dataDir, 'tls', 'key.pem'))).mode & 0o777).toBe(0o600);
    const { X509Certificate } = await import('node:crypto');
    const cert = new X509Certificate(await readFile(join(dataDir, 'tls', 'cert.pem')));
    expect(cert.fingerprint256).toBe(fingerprint);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    const again = await cli(['server', 'cert', '--self-signed', '--data-dir', dataDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it('serves HTTPS/WSS with that certificate, HSTS, and Secure __Host- session cookies', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tlsFingerprint).toBe(fingerprint);
    const res = await new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      const req = request(`${server.url}${AUTH_PATHS.login}`, { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (r) => {
        r.resume();
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'admin', password: server.adminUser?.oneTimePassword }));
    });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(String(res.headers['set-cookie'])).toMatch(/^__Host-pw_session=pws_[^;]+;.*Secure/);
  });

  it('lets an agent that pins the certificate enroll and connect over wss', async () => {
    const a = await startTrustedAgent({ serverUrl: server.url, enrollToken: await enrollToken(), serverFingerprint: normalizeFingerprint(fingerprint) as string });
    agents.push(a);
    await eventually('the pinned agent online', () => server.app.agents.isOnline(a.identity.deviceId));
  });

  it('refuses, before sending the enrollment token or the credential, a server whose certificate is not the pinned one', async () => {
    const wrong = 'ab'.repeat(32);
    const token = await enrollToken();
    const before = (await server.app.services.enrollment.listTokens()).reduce((n, t) => n + t.uses, 0);
    await expect(startTrustedAgent({ serverUrl: server.url, enrollToken: token, serverFingerprint: wrong })).rejects.toMatchObject({ code: 'E_TLS_PIN_MISMATCH' });
    expect((await server.app.services.enrollment.listTokens()).reduce((n, t) => n + t.uses, 0)).toBe(before);
    expect(await server.app.services.audit.list({ limit: 10, action: 'device.enroll.rejected' })).toEqual([]);
  });

  it('is not reachable by an agent that trusts only public CAs and pins nothing (no silent downgrade to trust-anything)', async () => {
    const ws = new WebSocket(`${server.url.replace('https', 'wss')}${AGENT_WS_PATH}`);
    const error = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(error.message).toMatch(/self.signed|unable to verify/i);
  });
});

describe('listening policy', () => {
  it('refuses to listen without TLS on a non-loopback address, unless told --insecure-http', async () => {
    const plain = join(dir, 'plain');
    const refused = await cli(['server', 'start', '--data-dir', plain, '--host', '0.0.0.0', '--port', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to listen on 0.0.0.0 without TLS');
    const port = await freePort();
    const allowed = spawnNode(SERVER_BIN, ['server', 'start', '--data-dir', plain, '--host', '0.0.0.0', '--port', String(port), '--insecure-http']);
    try {
      await printed(allowed, /listening on http:\/\/127\.0\.0\.1:\d+/);
      // First start: the admin's one-time password and the key fingerprint agents pin, printed once.
      await printed(allowed, /Admin user "admin", one-time password \(shown once; change it at first sign-in\):\n {2}[0-9a-z]{5}(-[0-9a-z]{5}){4}\n/);
      expect(allowed.stdout()).toMatch(/job-signing key: [a-f0-9]{64} \(created now\)\n {4}agents pin it with PATCHWAVE_SERVER_KEY=[a-f0-9]{64}\n/);
    } finally {
      await stop(allowed);
    }
  }, 120_000);

  it('takes the first admin password from --admin-password-file (checked against the policy) and prints none', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = join(dir, 'admin-password');
    await writeFile(file, 'short\n', { mode: 0o600 });
    const refused = await cli(['server', 'start', '--data-dir', join(dir, 'pwfile'), '--port', '0', '--admin-password-file', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--admin-password-file: password must be at least 12 characters');
    await writeFile(file, 'a sufficiently long passphrase\n');
    const proc = spawnNode(SERVER_BIN, ['server', 'start', '--data-dir', join(dir, 'pwfile'), '--port', '0', '--admin-password-file', file]);
    try {
      const url = (await printed(proc, /listening on (http:\/\/\S+)/))[1] as string;
      await printed(proc, /Admin user "admin" created with the password from/);
      expect(proc.stdout()).not.toContain('one-time password');
      const login = await fetch(`${url}${AUTH_PATHS.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'a sufficiently long passphrase' }) });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(false);
    } finally {
      await stop(proc);
    }
  }, 120_000);

  it('serves only the agent routes on a separate agent listener', async () => {
    const split = await startServer(loadConfig({ dataDir: join(dir, 'split'), port: '0', agentPort: '0', agentHost: '127.0.0.1' }, {}), { logDestination: { write: () => undefined } as never });
    try {
      expect(split.agentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const agentUrl = split.agentUrl as string;
      expect((await fetch(`${agentUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${agentUrl}/api/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
      const admin = { authorization: `Bearer ${split.adminToken}` };
      expect((await fetch(`${agentUrl}/api/v1/devices`, { headers: admin })).status).toBe(404);
      expect((await fetch(`${agentUrl}/api/v1/users`, { headers: admin })).status).toBe(404);
      expect((await fetch(`${agentUrl}/`, { headers: { accept: 'text/html' } })).status).toBe(404);
      expect((await fetch(`${split.url}/api/v1/devices`, { headers: admin })).status).toBe(200);
      const token = (await split.app.services.enrollment.createToken({ name: 'a', expiresAt: new Date(Date.now() + 3_600_000), maxUses: 1, tags: [] }, 'system')).secret;
      const a = await startTrustedAgent({ serverUrl: agentUrl, enrollToken: token });
      agents.push(a);
      await eventually('the agent online through the agent listener', () => split.app.agents.isOnline(a.identity.deviceId));
      await a.stop();
      agents.splice(agents.indexOf(a), 1);
    } finally {
      await split.close();
    }
  }, 120_000);
});
