import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentFrame, PROTOCOL_VERSION } from '@patchwave/shared';
import { createLogger } from '../../server/src/logger.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { inventoryHash } from '../../server/src/domain/inventory/inventory-hash.js';
import { enrollDevice } from '../../server/src/testing/enroll.js';
import { sampleFacts, sampleInventory } from '../../server/src/testing/facts.js';
import type { TempStore } from '../../server/src/testing/temp-store.js';
import { openTempStore } from '../../server/src/testing/temp-store.js';
import { testConfig, type TestApp } from '../../server/src/testing/test-app.js';
import { TestAgentSocket } from '../../server/src/testing/ws-client.js';

/**
 * Threats at the browser boundary: agent-reported strings turned into markup (the MeshCentral
 * stored-XSS class), missing security headers, static files read outside their root by path
 * traversal, and SQL built from names. The real app on loopback, with a console directory of its
 * own so that a secret file sits right next to the served root.
 */

const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert('x')", '<svg/onload=alert(1)>'];
const SQLISH = ["o'brien; DROP TABLE devices;--", 'Robert"); DELETE FROM users; --', 'ünïcödé 漢字 🚀 \u200b', "' OR '1'='1"];

let temp: TempStore;
let app: TestApp['app'];
let url: string;
let admin: string;
let www: string;

beforeAll(async () => {
  temp = await openTempStore();
  const root = await mkdtemp(join(tmpdir(), 'patchwave-www-'));
  www = join(root, 'www');
  await mkdir(join(www, 'assets'), { recursive: true });
  await writeFile(join(www, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(www, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(join(root, 'secret.txt'), 'TOP-SECRET-SENTINEL');
  app = await buildApp({ config: testConfig(temp.dir), store: temp.store, logger: createLogger('silent'), consoleDir: www });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  admin = (await app.services.apiTokens.bootstrapAdmin())?.secret as string;
});

afterAll(async () => {
  await app?.close();
  await temp?.cleanup();
  await rm(join(www, '..'), { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${admin}` });

/** A raw GET with the path exactly as given: fetch and URL would normalise `..` away first. */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('agent-reported strings are data, never markup', () => {
  it('stores XSS payloads in hostname, package name and update title verbatim and returns them only as JSON', async () => {
    const { deviceId, credential } = await enrollDevice(app, sampleFacts({ hostname: XSS[0] as string }));
    const socket = TestAgentSocket.connect(`${url.replace('http', 'ws')}/api/v1/agent`, credential);
    await socket.opened;
    socket.send(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '0.1.0', capabilities: [] }));
    await socket.next();
    const inventory = sampleInventory(
      XSS.map((name, i) => ({ manager: 'apt' as const, name, version: `1.${i}`, arch: 'amd64' })),
      {
        facts: sampleFacts({ hostname: XSS[0] as string }),
        updates: [{ manager: 'apt', name: XSS[1] as string, arch: 'amd64', installedVersion: '1.1', candidateVersion: '1.2', security: true, advisories: [], cves: [], title: XSS[3] as string }],
      },
    );
    socket.send(agentFrame('inventory.report', { kind: 'full', hash: inventoryHash(inventory), inventory }));
    expect((await socket.next()).type).toBe('ack');
    socket.ws.close();

    const device = await fetch(`${url}/api/v1/devices/${deviceId}`, { headers: auth() });
    expect(device.headers.get('content-type')).toMatch(/^application\/json/);
    expect(device.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await device.json()) as { hostname: string }).hostname).toBe(XSS[0]);
    const packages = (await (await fetch(`${url}/api/v1/devices/${deviceId}/packages?limit=50`, { headers: auth() })).json()) as { items: { name: string }[] };
    expect(packages.items.map((p) => p.name).sort()).toEqual([...XSS].sort());
    const updates = (await (await fetch(`${url}/api/v1/devices/${deviceId}/updates`, { headers: auth() })).json()) as { items: { name: string; title?: string }[] };
    expect(updates.items[0]).toMatchObject({ name: XSS[1], title: XSS[3] });
    // Searching with markup finds the device and echoes nothing as HTML either.
    const search = await fetch(`${url}/api/v1/devices?name=${encodeURIComponent('<script>')}`, { headers: auth() });
    expect(search.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await search.json()) as { total: number }).total).toBe(1);
    // An error that names the bad input is JSON too.
    const bad = await fetch(`${url}/api/v1/devices/${encodeURIComponent(XSS[1] as string)}`, { headers: auth() });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('security headers', () => {
  it('sends a strict Content-Security-Policy and the usual hardening headers on the console, the API and refusals', async () => {
    for (const [path, headers] of [
      ['/', { accept: 'text/html' }],
      ['/assets/app.js', {}],
      ['/api/v1/devices', auth()],
      ['/api/v1/devices', {}],
    ] as const) {
      const res = await fetch(`${url}${path}`, { headers });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('strict-transport-security')).toBeNull(); // plain HTTP on loopback; see tls.test.ts
    }
    const docs = await fetch(`${url}/docs/static/index.html`);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('static files: no path traversal', () => {
  const attempts = [
    '../secret.txt',
    '../../secret.txt',
    '%2e%2e/secret.txt',
    '%2e%2e%2fsecret.txt',
    '..%2fsecret.txt',
    '.%2e/secret.txt',
    '%2E%2E%2F%2E%2E%2Fsecret.txt',
    '..%5csecret.txt',
    '..\\secret.txt',
    '%252e%252e%252fsecret.txt',
    '....//secret.txt',
    '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '../../../../../../etc/passwd',
    '..%00/secret.txt',
    '%c0%ae%c0%ae/secret.txt',
  ];

  it('refuses every spelling of ".." under every static route of the route table, and serves the root', async () => {
    const staticRoutes = app.routeTable().filter((r) => r.method === 'GET' && r.url.endsWith('*'));
    expect(staticRoutes.map((r) => r.url)).toEqual(expect.arrayContaining(['/assets/*', '/*', '/docs/static/*']));
    expect((await rawGet('/assets/app.js')).body).toContain('console.log');
    for (const route of staticRoutes) {
      const prefix = route.url.slice(0, -1);
      for (const attempt of attempts) {
        for (const accept of ['*/*', 'text/html']) {
          const res = await rawGet(`${prefix}${attempt}`, { accept });
          const what = `GET ${prefix}${attempt} (${accept}) → ${res.status}`;
          expect(res.body, what).not.toContain('TOP-SECRET-SENTINEL');
          expect(res.body, what).not.toContain('root:x:0:0');
          expect(res.body, what).not.toContain('SQLite format 3');
          expect([200, 400, 403, 404], what).toContain(res.status);
          if (res.status === 200) expect(res.body, what).toContain('<title>console</title>'); // a client route gets the app, nothing else
        }
      }
    }
  });
});

describe('SQL is parameterized', () => {
  it('stores and reads back names full of quotes, semicolons, comments and unicode, and a search for them matches only them', async () => {
    const created: string[] = [];
    for (const [i, name] of SQLISH.entries()) {
      const token = await fetch(`${url}/api/v1/enrollment-tokens`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
      expect(((await token.json()) as { name: string }).name).toBe(name);
      const user = await fetch(`${url}/api/v1/users`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ username: `sql-${i}`, role: 'auditor', displayName: name }) });
      expect(((await user.json()) as { user: { displayName: string } }).user.displayName).toBe(name);
      created.push((await enrollDevice(app, sampleFacts({ hostname: name }))).deviceId);
    }
    const tokens = (await (await fetch(`${url}/api/v1/enrollment-tokens`, { headers: auth() })).json()) as { items: { name: string }[] };
    expect(tokens.items.map((t) => t.name)).toEqual(expect.arrayContaining(SQLISH));
    const users = (await (await fetch(`${url}/api/v1/users`, { headers: auth() })).json()) as { items: { displayName: string }[] };
    expect(users.items.map((u) => u.displayName)).toEqual(expect.arrayContaining(SQLISH));
    for (const [i, name] of SQLISH.entries()) {
      const page = (await (await fetch(`${url}/api/v1/devices?name=${encodeURIComponent(name)}`, { headers: auth() })).json()) as { items: { id: string; hostname: string }[] };
      expect(page.items.map((d) => d.hostname), name).toEqual([name]);
      expect(page.items[0]?.id).toBe(created[i]);
    }
    const audit = (await (await fetch(`${url}/api/v1/audit?actor=${encodeURIComponent("' OR '1'='1")}`, { headers: auth() })).json()) as { items: unknown[] };
    expect(audit.items).toEqual([]);
    expect((await (await fetch(`${url}/api/v1/audit/verify`, { headers: auth() })).json()) as { ok: boolean }).toMatchObject({ ok: true });
  });
});
