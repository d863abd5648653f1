import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_WS_PATH, ENROLL_PATH, parseServerFrame } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AGENT_BIN, cli, freePort, type Proc, spawnNode, startServer, stop, waitFor } from '../support/processes.js';

/**
 * The Foundation issue end to end: a real server process, a real agent process on this machine,
 * real dpkg inventory, a server restart on the same data, and enrollment refusals.
 */

interface DevicePage {
  items: { id: string; hostname: string; online: boolean; counts: { packages: number } }[];
  total: number;
}

const dpkgInstalledCount = (): number =>
  execFileSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('ii')).length;

let dir: string;
let port: number;
let server: { proc: Proc; url: string; token?: string };
let adminToken: string;
let agent: Proc | undefined;
const procs: Proc[] = [];

const api = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const devices = async (): Promise<DevicePage> => (await api('/api/v1/devices?limit=100')).body as unknown as DevicePage;
const cliEnv = () => ({ PATCHWAVE_SERVER_URL: server.url, PATCHWAVE_API_TOKEN: adminToken, HOME: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-e2e-foundation-'));
  port = await freePort();
  server = await startServer(join(dir, 'data'), port);
  procs.push(server.proc);
  if (!server.token) throw new Error('first start printed no admin token');
  adminToken = server.token;
});

afterAll(async () => {
  for (const p of procs) await stop(p, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('foundation: server + agent on loopback', () => {
  it('enrolls a real agent that reports this machine with its real dpkg package count', async () => {
    const created = await cli(['token', 'create', '--expires', '1h', '--max-uses', '5', '--name', 'e2e', '--json'], cliEnv());
    expect(created.code, created.stderr).toBe(0);
    const token = (JSON.parse(created.stdout) as { token: string }).token;
    expect(token).toMatch(/^pwe_/);

    const config = join(dir, 'agent.json');
    writeFileSync(config, JSON.stringify({ serverUrl: server.url, stateDir: join(dir, 'agent-state') }));
    agent = spawnNode(AGENT_BIN, ['run', '--config', config, '--enroll-token', token, '--log-level', 'info']);
    procs.push(agent);

    const expected = dpkgInstalledCount();
    const device = await waitFor(
      'the device with its inventory',
      async () => (await devices()).items.find((d) => d.counts.packages > 0),
      { timeoutMs: 90_000, intervalMs: 250, proc: agent },
    );
    expect(device.hostname).toBe(hostname());
    expect(device.counts.packages).toBe(expected);
    expect(device.online).toBe(true);

    // The stored packages are the real ones: the agent's own dpkg entry is there with its real version.
    const dpkgVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'dpkg'], { encoding: 'utf8' });
    const pkgs = await api(`/api/v1/devices/${device.id}/packages?name=dpkg&limit=50`);
    expect(pkgs.status).toBe(200);
    const items = pkgs.body.items as { name: string; version: string; manager: string }[];
    expect(items.find((p) => p.name === 'dpkg')).toMatchObject({ manager: 'apt', version: dpkgVersion });

    // The credential is stored 0600 in the agent's state dir and is not the enrollment token.
    const cred = readFileSync(join(dir, 'agent-state', 'credential.json'), 'utf8');
    expect(cred).toContain('pwa_');
    expect(cred).not.toContain(token);

    const shown = await cli(['devices', 'show', device.id, '--json'], cliEnv());
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: device.id, hostname: hostname() });
  });

  it('survives a server restart: the agent reconnects by itself and no duplicate device appears', async () => {
    const before = await devices();
    expect(before.total).toBe(1);
    const id = before.items[0]?.id;

    await stop(server.proc, 'SIGKILL');
    server = await startServer(join(dir, 'data'), port);
    procs.push(server.proc);
    expect(server.token).toBeUndefined();

    const back = await waitFor(
      'the agent to reconnect',
      async () => (await devices()).items.find((d) => d.id === id && d.online),
      { timeoutMs: 60_000, intervalMs: 250, proc: agent },
    );
    expect(back.hostname).toBe(hostname());
    expect((await devices()).total).toBe(1);
    const reports = await api(`/api/v1/devices/${id}/reports`);
    expect(reports.status).toBe(200);
  });

  it('refuses wrong, expired, revoked and used-up tokens with 401 and creates nothing', async () => {
    const facts = JSON.parse(JSON.stringify((await api(`/api/v1/devices/${(await devices()).items[0]?.id}`)).body.facts));
    const enroll = (token: string) =>
      fetch(`${server.url}${ENROLL_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, facts: { ...facts, hostname: 'intruder' }, agentVersion: '0.0.0' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { code: string } } }));

    const wrong = await enroll(`pwe_${'A'.repeat(43)}`);
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'E_TOKEN_INVALID' } } });

    const created = async (expires: string, maxUses: number) => {
      const r = await cli(['token', 'create', '--expires', expires, '--max-uses', String(maxUses), '--json'], cliEnv());
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { id: string; token: string; expiresAt: string };
    };

    const revoked = await created('1h', 5);
    const rv = await cli(['token', 'revoke', revoked.id], cliEnv());
    expect(rv.code, rv.stderr).toBe(0);
    expect(await enroll(revoked.token)).toMatchObject({ status: 401, body: { error: { code: 'E_TOKEN_REVOKED' } } });

    const once = await created('1h', 1);
    const first = await enroll(once.token);
    expect(first.status).toBe(201);
    expect(await enroll(once.token)).toMatchObject({ status: 401, body: { error: { code: 'E_TOKEN_EXHAUSTED' } } });

    const short = await created('1s', 5);
    await waitFor('the token to expire', () => Date.now() > Date.parse(short.expiresAt) + 50 || undefined, { timeoutMs: 5000, intervalMs: 50 });
    expect(await enroll(short.token)).toMatchObject({ status: 401, body: { error: { code: 'E_TOKEN_EXPIRED' } } });

    // Only the agent and the one allowed enrollment exist: none of the refusals created a device.
    const all = await devices();
    expect(all.total).toBe(2);
    expect(all.items.filter((d) => d.hostname === 'intruder')).toHaveLength(1);
  });

  it('answers an invalid frame with an error frame, and refuses a WebSocket without a valid credential', async () => {
    const t = await cli(['token', 'create', '--json'], cliEnv());
    const token = (JSON.parse(t.stdout) as { token: string }).token;
    const facts = (await api(`/api/v1/devices/${(await devices()).items[0]?.id}`)).body.facts;
    const res = await fetch(`${server.url}${ENROLL_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, facts: { ...(facts as object), hostname: 'frame-tester' }, agentVersion: '0.0.0' }),
    });
    const { credential } = (await res.json()) as { credential: string };
    const wsUrl = `${server.url.replace(/^http/, 'ws')}${AGENT_WS_PATH}`;

    const refused = new WebSocket(wsUrl, { headers: { authorization: `Bearer pwa_${'B'.repeat(43)}` } });
    const status = await new Promise<number>((resolve, reject) => {
      refused.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      refused.on('open', () => reject(new Error('a bad credential was let in')));
      refused.on('error', () => undefined);
    });
    expect(status).toBe(401);

    const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${credential}` } });
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(String(d)));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ v: 1, id: 'bad-1', type: 'inventory.report', ts: new Date().toISOString(), payload: { kind: 'full' } }));
    ws.send('this is not json');
    const errors = await waitFor('two error frames', () => {
      const parsed = frames.map((f) => parseServerFrame(f)).flatMap((r) => (r.ok && r.frame.type === 'error' ? [r.frame] : []));
      return parsed.length >= 2 ? parsed : undefined;
    });
    expect(errors[0]).toMatchObject({ payload: { code: 'E_BAD_FRAME', of: 'bad-1' } });
    expect(errors[1]).toMatchObject({ payload: { code: 'E_BAD_FRAME' } });
    expect(JSON.stringify(errors[0]?.payload)).toContain('inventory');
    ws.close();
  });
});
