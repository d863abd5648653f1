import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { enrollDevice } from '../testing/enroll.js';
import { sampleFacts } from '../testing/facts.js';
import type { TestApp } from '../testing/test-app.js';
import { openTestApp } from '../testing/test-app.js';
import { runCli } from './main.js';
import type { Io } from './output.js';

// Real servers, sockets and SQLite files: generous ceilings for a loaded 2-core CI machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

let t: TestApp;
let server: string;
let home: string;

beforeEach(async () => {
  t = await openTestApp();
  server = await t.app.listen({ host: '127.0.0.1', port: 0 });
  home = mkdtempSync(join(tmpdir(), 'patchwave-cli-'));
});
afterEach(async () => {
  await t.close();
  rmSync(home, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), env: { PATCHWAVE_CLI_CONFIG: join(home, 'cli.json'), ...env } };
  const code = await runCli(args, io);
  return { code, out, err };
}

const authed = () => ({ PATCHWAVE_SERVER_URL: server, PATCHWAVE_API_TOKEN: t.adminToken });

describe('patchwave CLI: usage errors exit 2 with a clear message', () => {
  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['token', 'create', '--bogus'], "token create: Unknown option '--bogus'"],
    [['token', 'create', '--expires', 'soon'], '--expires: expected a duration like 90m, 24h, 7d or 2w, got "soon"'],
    [['token', 'create', '--max-uses', 'many'], '--max-uses: expected a whole number, got "many"'],
    [['token', 'create', '--max-uses', '0'], '--max-uses: must be between 1 and 100000, got 0'],
    [['token', 'create', '--tag', 'has space'], '--tag: "has space" is not a valid tag'],
    [['token', 'create', '--expires'], "token create: Option '--expires <value>' argument missing"],
    [['token', 'revoke'], 'token revoke: missing token id'],
    [['token', 'frob'], 'token: unknown command "frob"'],
    [['devices', 'list', '--sort', 'size'], '--sort: expected one of hostname, lastSeenAt, enrolledAt, criticality, got "size"'],
    [['devices', 'list', '--limit', '-1'], "devices list: Option '--limit' argument is ambiguous"],
    [['devices', 'show', 'a', 'b'], 'devices show: unexpected argument "b"'],
    [['devices', 'update', 'x'], 'devices update: give --tag, --clear-tags or --criticality'],
    [['devices', 'update', 'x', '--criticality', 'extreme'], '--criticality: expected low, medium, high, critical, got "extreme"'],
    [['server', 'start', '--port', 'eighty'], 'port (from flag --port)'],
  ])('%j', async (args, message) => {
    const run = await cli(args, authed());
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
  });

  it('says how to give a server and a token when none is known', async () => {
    expect((await cli(['devices', 'list'])).err).toContain('no server: pass --server <url>, set PATCHWAVE_SERVER_URL or run "patchwave login"');
    expect((await cli(['devices', 'list', '--server', server])).err).toContain('no API token');
    expect((await cli(['devices', 'list', '--server', 'not a url', '--token', 'x'])).err).toContain('--server: "not a url" is not a URL');
  });

  it('prints help with exit 0 when asked and 2 when a command is missing', async () => {
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli([])).code).toBe(2);
    const tokenHelp = await cli(['token', 'create', '--help']);
    expect(tokenHelp.code).toBe(0);
    expect(tokenHelp.out).toContain('patchwave token create');
  });
});

describe('patchwave CLI against a running server', () => {
  it('creates, lists and revokes enrollment tokens, as tables and as JSON', async () => {
    const created = await cli(['token', 'create', '--expires', '24h', '--max-uses', '100', '--tag', 'web', '--tag', 'env=prod', '--name', 'rack 4'], authed());
    expect(created.code, created.err).toBe(0);
    const secret = /pwe_[A-Za-z0-9_-]{43}/.exec(created.out)?.[0];
    expect(secret).toBeDefined();
    expect(created.out).toContain('max uses  100');
    const json = JSON.parse((await cli(['token', 'create', '--json'], authed())).out);
    expect(json).toMatchObject({ maxUses: 1, status: 'active' });
    expect(json.token).toMatch(/^pwe_/);
    const table = await cli(['token', 'list'], authed());
    expect(table.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATUS\s+USES\s+EXPIRES\s+TAGS$/);
    expect(table.out).toContain('rack 4');
    expect(table.out).toContain('0/100');
    expect(table.out).not.toContain(secret);
    const listed = JSON.parse((await cli(['token', 'list', '--json'], authed())).out);
    expect(listed).toHaveLength(2);
    const revoked = await cli(['token', 'revoke', json.id], authed());
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`revoked enrollment token ${json.id}`);
    expect(JSON.parse((await cli(['token', 'list', '--status', 'revoked', '--json'], authed())).out).map((x: { id: string }) => x.id)).toEqual([json.id]);
  });

  it('exits 1 with the server error code when the server refuses', async () => {
    const missing = await cli(['token', 'revoke', '7b0c5e0e-0000-4000-8000-000000000000'], authed());
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toContain('E_NOT_FOUND: enrollment token 7b0c5e0e-0000-4000-8000-000000000000 not found');
    const unauthorized = await cli(['devices', 'list'], { PATCHWAVE_SERVER_URL: server, PATCHWAVE_API_TOKEN: 'pwt_wrong' });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.err).toContain('E_UNAUTHORIZED');
    const down = await cli(['devices', 'list'], { PATCHWAVE_SERVER_URL: 'http://127.0.0.1:9', PATCHWAVE_API_TOKEN: 'pwt_x' });
    expect(down.code).toBe(1);
    expect(down.err).toContain('cannot reach the server at http://127.0.0.1:9');
  });

  it('lists, shows and updates devices', async () => {
    const web = await enrollDevice(t.app, sampleFacts({ hostname: 'web-01' }), ['web']);
    await enrollDevice(t.app, sampleFacts({ hostname: 'db-01\u001b[31m' }));
    const list = await cli(['devices', 'list'], authed());
    expect(list.code).toBe(0);
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+HOSTNAME\s+OS\s+STATE\s+LAST SEEN\s+PKGS\s+UPDATES\s+SECURITY\s+REBOOT\s+TAGS$/);
    expect(list.out).toContain('web-01');
    expect(list.out).toContain('debian 12');
    expect(list.out).toContain('db-01?[31m');
    expect(list.out).not.toContain('\u001b');
    const filtered = JSON.parse((await cli(['devices', 'list', '--tag', 'web', '--json'], authed())).out);
    expect(filtered).toMatchObject({ total: 1, items: [{ id: web.deviceId }] });
    const show = await cli(['devices', 'show', web.deviceId], authed());
    expect(show.out).toMatch(/hostname\s+web-01/);
    expect(show.out).toMatch(/inventory at\s+no inventory yet/);
    const updated = JSON.parse((await cli(['devices', 'update', web.deviceId, '--tag', 'web', '--tag', 'internet-facing', '--criticality', 'high', '--json'], authed())).out);
    expect(updated).toMatchObject({ tags: ['internet-facing', 'web'], criticality: 'high' });
    const bad = await cli(['devices', 'show', 'not-a-uuid'], authed());
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('E_VALIDATION: params.id');
  });

  it('logs in (file mode 0600), uses the saved login, and logs out', async () => {
    const wrong = await cli(['login', '--server', server, '--token', 'pwt_wrong']);
    expect(wrong.code).toBe(1);
    const login = await cli(['login', '--server', server, '--token', t.adminToken]);
    expect(login.code, login.err).toBe(0);
    const file = join(home, 'cli.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ server, token: t.adminToken });
    expect((await cli(['devices', 'list', '--json'])).code).toBe(0);
    expect((await cli(['logout'])).out).toContain('removed');
    expect((await cli(['devices', 'list'])).code).toBe(2);
  });

  it('verifies the audit chain on the server, exports it and verifies the export offline', async () => {
    await cli(['token', 'create'], authed());
    await enrollDevice(t.app);
    const verify = await cli(['audit', 'verify'], authed());
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/^audit chain intact: 4 entries, head 4 [0-9a-f]{64} \(server\)/);
    const exportFile = join(home, 'audit.jsonl');
    const exported = await cli(['audit', 'export', '--output', exportFile], authed());
    expect(exported.code).toBe(0);
    expect(statSync(exportFile).mode & 0o777).toBe(0o600);
    const lines = readFileSync(exportFile, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect((await cli(['audit', 'verify', '--file', exportFile])).out).toContain('audit chain intact: 4 entries');
    const toStdout = await cli(['audit', 'export'], authed());
    expect(toStdout.out.trim().split('\n')).toEqual(lines);

    const tampered = lines.map((l, i) => (i === 2 ? l.replace('"actor":"', '"actor":"x') : l)).join('\n');
    writeFileSync(exportFile, tampered);
    const broken = await cli(['audit', 'verify', '--file', exportFile, '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.out)).toMatchObject({ ok: false, firstBroken: { seq: 3 } });
  });
});
