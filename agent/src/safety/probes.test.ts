import http from 'node:http';
import net from 'node:net';
import { HealthProbe, type HealthProbeInput } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayCommandRunner } from '../exec/replay-runner.js';
import { silentLogger } from '../log/logger.js';
import { systemProcesses } from './probe-process.js';
import { brokenProbes, runProbe, runProbes, type ProbeDeps } from './probes.js';

/** Every probe kind against real things on this machine: HTTP and TCP listeners, the process table. */

let server: http.Server;
let base: string;
let other: http.Server;
let otherBase: string;
let silent: net.Server;
let silentPort: number;
let closedPort: number;

const listenHttp = async (s: http.Server) => {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as net.AddressInfo).port}`;
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/ok') res.writeHead(200).end('ok');
    else if (url.pathname === '/fail') res.writeHead(500).end('broken');
    else if (url.pathname === '/teapot') res.writeHead(418).end();
    else if (url.pathname === '/hop') res.writeHead(302, { location: '/ok' }).end();
    else if (url.pathname === '/away') res.writeHead(302, { location: `${otherBase}/ok` }).end();
    else if (url.pathname === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (url.pathname === '/hang') return; // never answers
    else res.writeHead(404).end();
  });
  base = await listenHttp(server);
  other = http.createServer((_req, res) => res.writeHead(200).end());
  otherBase = await listenHttp(other);
  // Accepts TCP connections and never answers HTTP on them.
  silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as net.AddressInfo).port;
  const tmp = net.createServer();
  await new Promise<void>((resolve) => tmp.listen(0, '127.0.0.1', resolve));
  closedPort = (tmp.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => tmp.close(() => resolve()));
});

afterAll(async () => {
  server.closeAllConnections();
  silent.close();
  await Promise.all([server, other].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

const deps = (over: Partial<ProbeDeps> = {}): ProbeDeps => ({
  exec: new ReplayCommandRunner([]),
  platform: 'linux',
  processes: systemProcesses,
  now: () => performance.now(),
  log: silentLogger(),
  ...over,
});
const probe = (p: HealthProbeInput) => HealthProbe.parse(p);

describe('http probe', () => {
  it('passes on 2xx and fails on 500 with the status in the detail', async () => {
    expect(await runProbe(probe({ kind: 'http', name: 'ok', url: `${base}/ok` }), deps())).toMatchObject({ name: 'ok', kind: 'http', ok: true, detail: 'HTTP 200' });
    expect(await runProbe(probe({ kind: 'http', name: 'bad', url: `${base}/fail` }), deps())).toMatchObject({ ok: false, detail: 'HTTP 500 (expected 2xx)' });
  });

  it('honours expectStatus', async () => {
    expect(await runProbe(probe({ kind: 'http', name: 'tea', url: `${base}/teapot`, expectStatus: [418] }), deps())).toMatchObject({ ok: true, detail: 'HTTP 418' });
    expect(await runProbe(probe({ kind: 'http', name: 'ok', url: `${base}/ok`, expectStatus: [204] }), deps())).toMatchObject({ ok: false, detail: 'HTTP 200 (expected 204)' });
  });

  it('follows a redirect on the same origin, never one to another origin, and not forever', async () => {
    expect(await runProbe(probe({ kind: 'http', name: 'hop', url: `${base}/hop` }), deps())).toMatchObject({ ok: true, detail: 'HTTP 200' });
    const away = await runProbe(probe({ kind: 'http', name: 'away', url: `${base}/away` }), deps());
    expect(away).toMatchObject({ ok: false });
    expect(away.detail).toBe(`HTTP 302: redirect to another origin (${otherBase}) not followed`);
    expect(await runProbe(probe({ kind: 'http', name: 'loop', url: `${base}/loop` }), deps())).toMatchObject({ ok: false, detail: 'HTTP 302: more than 5 redirects' });
  });

  it('is bounded by its timeout when the server never answers', async () => {
    const out = await runProbe(probe({ kind: 'http', name: 'hang', url: `${base}/hang`, timeoutMs: 300 }), deps());
    expect(out).toMatchObject({ ok: false, detail: 'timed out after 300 ms' });
    expect(out.ms).toBeGreaterThanOrEqual(250);
  });

  it('fails with the socket error on a closed port', async () => {
    expect(await runProbe(probe({ kind: 'http', name: 'closed', url: `http://127.0.0.1:${closedPort}/` }), deps())).toMatchObject({ ok: false, detail: 'ECONNREFUSED' });
  });
});

describe('tcp probe', () => {
  it('passes when the port accepts and fails on a closed port', async () => {
    expect(await runProbe(probe({ kind: 'tcp', name: 'open', port: silentPort }), deps())).toMatchObject({ ok: true, detail: `connected to 127.0.0.1:${silentPort}` });
    expect(await runProbe(probe({ kind: 'tcp', name: 'closed', port: closedPort }), deps())).toMatchObject({ ok: false, detail: 'ECONNREFUSED' });
  });
});

describe('process probe (systeminformation processes())', () => {
  it('finds this test’s own node process and not a name that runs nowhere', async () => {
    const yes = await runProbe(probe({ kind: 'process', name: 'node', process: 'node', timeoutMs: 20_000 }), deps());
    expect(yes.ok).toBe(true);
    expect(yes.detail).toMatch(/^\d+ process\(es\) named node$/);
    expect(await runProbe(probe({ kind: 'process', name: 'none', process: 'patchwave-no-such-proc', timeoutMs: 20_000 }), deps())).toMatchObject({
      ok: false,
      detail: 'no process named patchwave-no-such-proc',
    });
    // Two real process listings (systeminformation samples CPU use): seconds on a loaded machine.
  }, 60_000);

  it('matches Windows names with or without .exe, case-insensitively', async () => {
    const d = deps({ platform: 'win32', processes: async () => ['System', 'MsMpEng.exe'] });
    expect((await runProbe(probe({ kind: 'process', name: 'av', process: 'msmpeng' }), d)).ok).toBe(true);
    expect((await runProbe(probe({ kind: 'process', name: 'av', process: 'MsMpEng.exe' }), d)).ok).toBe(true);
  });

  it('a process list that hangs is cut off at the timeout', async () => {
    const out = await runProbe(probe({ kind: 'process', name: 'slow', process: 'node', timeoutMs: 200 }), deps({ processes: () => new Promise(() => undefined) }));
    expect(out).toMatchObject({ ok: false, detail: 'timed out after 200 ms' });
  });
});

describe('service probe', () => {
  it('asks systemctl is-active with -- before the unit and reads its state word', async () => {
    const exec = new ReplayCommandRunner([
      { match: { command: 'systemctl', args: ['is-active', '--', 'nginx.service'] }, stdout: 'active\n' },
      { match: { command: 'systemctl', args: ['is-active', '--', 'cron'] }, stdout: 'failed\n', exitCode: 3 },
    ]);
    expect(await runProbe(probe({ kind: 'service', name: 'web', service: 'nginx.service' }), deps({ exec }))).toMatchObject({ ok: true, detail: 'active' });
    expect(await runProbe(probe({ kind: 'service', name: 'cron', service: 'cron' }), deps({ exec }))).toMatchObject({ ok: false, detail: 'failed' });
  });

  it('uses launchctl on macOS and sc.exe on Windows', async () => {
    const mac = new ReplayCommandRunner([{ match: { command: 'launchctl', args: ['print', 'system/com.openssh.sshd'] }, stdout: '\tstate = running\n\tpid = 7\n' }]);
    expect(await runProbe(probe({ kind: 'service', name: 'ssh', service: 'com.openssh.sshd' }), deps({ exec: mac, platform: 'darwin' }))).toMatchObject({ ok: true, detail: 'running (pid 7)' });
    const win = new ReplayCommandRunner([{ match: { command: 'sc.exe', args: ['query', 'Spooler'] }, stdout: '        STATE              : 1  STOPPED \n' }]);
    expect(await runProbe(probe({ kind: 'service', name: 'spool', service: 'Spooler' }), deps({ exec: win, platform: 'win32' }))).toMatchObject({ ok: false, detail: 'STOPPED' });
  });

  it('a missing tool or a hung command fails the probe instead of throwing', async () => {
    const exec = new ReplayCommandRunner([{ match: /systemctl/, notFound: true }]);
    const out = await runProbe(probe({ kind: 'service', name: 'x', service: 'x' }), deps({ exec }));
    expect(out.ok).toBe(false);
    expect(out.detail).toBe('could not probe: systemctl is-active -- x was not found');
    const hung = await runProbe(probe({ kind: 'service', name: 'y', service: 'y', timeoutMs: 150 }), deps({ exec: { run: () => new Promise(() => undefined) } }));
    expect(hung).toMatchObject({ ok: false, detail: 'timed out after 150 ms' });
  });
});

describe('brokenProbes', () => {
  it('names only probes that passed before and fail after', () => {
    const o = (name: string, ok: boolean) => ({ name, kind: 'tcp' as const, ok, detail: '', ms: 1 });
    expect(brokenProbes([o('a', true), o('b', false), o('c', true)], [o('a', false), o('b', false), o('c', true)])).toEqual(['a']);
  });
});

describe('runProbes', () => {
  it('reads the process list once for several process probes and keeps the probes’ order', async () => {
    let reads = 0;
    const d = deps({
      processes: async () => {
        reads++;
        return ['nginx', 'sshd'];
      },
    });
    const out = await runProbes([probe({ kind: 'process', name: 'web', process: 'nginx' }), probe({ kind: 'tcp', name: 'closed', port: closedPort }), probe({ kind: 'process', name: 'ssh', process: 'sshd' })], d);
    expect(out.map((o) => [o.name, o.ok])).toEqual([
      ['web', true],
      ['closed', false],
      ['ssh', true],
    ]);
    expect(reads).toBe(1);
  });
});
