import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../../testing/test-app.js';
import { rawGet } from '../../testing/raw-http.js';
import { openTestApp } from '../../testing/test-app.js';
import { consolePath } from './console-paths.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const SECRET = 'SECRET-OUTSIDE-THE-CONSOLE-ROOT';
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="app"></div></body></html>';
const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

let dir: string;
let dist: string;
let t: TestApp;

/** A built console in `dir/dist`, and a file next to it that must never be served. */
function writeConsole(): void {
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log("app")');
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchwave-console-'));
  dist = join(dir, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  writeFileSync(join(dir, 'dist-secret.txt'), SECRET);
});

afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('console serving', () => {
  beforeEach(async () => {
    writeConsole();
    t = await openTestApp({ consoleDir: dist });
  });

  it('serves index.html at / and for client routes a browser navigates to, never cached stale', async () => {
    for (const url of ['/', '/devices', '/devices/0b9f7b0e-3f5e-4a53-9d35-1f8c2f1f3d11?tab=updates', '/settings/enrollment-tokens', '/audit/']) {
      const res = await t.app.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    }
    expect((await t.app.inject({ method: 'HEAD', url: '/' })).statusCode).toBe(200);
  });

  it('sends a strict Content-Security-Policy with the console', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/', headers: html });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves hashed assets for a year and top-level files, and 404s what does not exist', async () => {
    const js = await t.app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.headers['cache-control']).toContain('max-age=31536000');
    expect(js.headers['cache-control']).toContain('immutable');
    const icon = await t.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    for (const url of ['/assets/missing.js', '/assets/', '/missing.png']) {
      const res = await t.app.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('E_NOT_FOUND');
    }
  });

  it('leaves /api and /docs to the server: unknown API paths are JSON 404s, even for a browser', async () => {
    for (const url of ['/api/v1/no-such-thing', '/api', '/api/v1/devices/x/y/z']) {
      const res = await t.app.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('E_NOT_FOUND');
    }
    // A client route asked for by a script (not a navigation) is not the app either.
    const json = await t.app.inject({ method: 'GET', url: '/devices', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    // The API itself is untouched.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/devices', headers: t.auth() })).statusCode).toBe(200);
  });

  it('never serves a file outside its root, whatever the spelling of ".." (raw requests on a real socket)', async () => {
    // inject() and HTTP clients normalise dot segments away; a raw socket sends them as an attacker would.
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(base);
    expect((await rawGet(Number(port), '/devices', html.accept)).body).toBe(INDEX);
    const traversals = [
      '/../secret.txt',
      '/../../../../../../etc/passwd',
      '/..%2fsecret.txt',
      '/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/.%2e/secret.txt',
      '/devices/../../secret.txt',
      '/assets/../../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/..%5csecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/../dist-secret.txt',
      '/assets/..%2f..%2fdist-secret.txt',
      '/secret.txt%00.js',
      '/./secret.txt',
    ];
    for (const path of traversals) {
      for (const accept of [html.accept, '*/*']) {
        const res = await rawGet(Number(port), path, accept);
        expect([400, 404], `${path} → ${res.status}`).toContain(res.status);
        expect(res.body, path).not.toContain(SECRET);
        expect(res.body, path).not.toMatch(/root:.*:0:0:/);
      }
    }
    // Odd but not traversing: never a file outside the root either (a navigation may get the app).
    for (const path of ['//etc/passwd', '/%252e%252e/secret.txt', '/assets/%252e%252e%252fsecret.txt', '/%c0%ae%c0%ae/secret.txt', '/secret.txt']) {
      const res = await rawGet(Number(port), path, html.accept);
      expect(res.body, path).not.toContain(SECRET);
      expect(res.body, path).not.toMatch(/root:.*:0:0:/);
    }
  });

  it('declares public access on every console route', () => {
    const console = t.app.routeTable().filter((r) => r.url === '/' || r.url === '/*' || r.url === '/assets/*');
    expect(console.length).toBeGreaterThanOrEqual(3);
    for (const r of console) expect(r.access, `${r.method} ${r.url}`).toBe('public');
  });
});

describe('console not built', () => {
  it('still starts, says at / how to build it, and serves the console once built (no restart)', async () => {
    t = await openTestApp({ consoleDir: dist });
    const before = await t.app.inject({ method: 'GET', url: '/', headers: html });
    expect(before.statusCode).toBe(503);
    expect(before.headers['content-type']).toContain('text/html');
    expect(before.body).toContain('pnpm --filter @patchwave/server ui:build');
    expect(before.body).not.toContain('<script');
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    writeConsole();
    const after = await t.app.inject({ method: 'GET', url: '/devices', headers: html });
    expect(after.statusCode).toBe(200);
    expect(after.body).toBe(INDEX);
  });
});

describe('consolePath', () => {
  it('keeps plain relative paths and refuses dot segments, backslashes, NUL and bad encodings', () => {
    expect(consolePath('assets/app.js')).toBe('assets/app.js');
    expect(consolePath('devices//x/')).toBe('devices/x');
    expect(consolePath('%2e%2e%2fx')).toBeNull();
    expect(consolePath('a/%2E/b')).toBeNull();
    expect(consolePath('a%5cb')).toBeNull();
    expect(consolePath('a%00b')).toBeNull();
    expect(consolePath('%E0%A4%A')).toBeNull();
    // Decoded once: a double-encoded dot-dot is a literal (harmless) name.
    expect(consolePath('%252e%252e')).toBe('%2e%2e');
  });
});

