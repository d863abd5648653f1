import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../connection/clock.js';
import { mapFacts } from '../inventory/facts-map.js';
import { silentLogger } from '../log/logger.js';
import { enroll, EnrollmentRefused } from './enroll.js';

const facts = mapFacts({ hostname: 'enrollee', platform: 'linux', machine: 'x86_64', uptimeSeconds: 1 });
type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
const servers: http.Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('enroll', () => {
  it('posts token and facts and returns the identity', async () => {
    let seen: unknown;
    const url = await serve((req, body, res) => {
      seen = { method: req.method, path: req.url, body: JSON.parse(body) };
      json(res, 201, { deviceId: 'dev-1', credential: 'k'.repeat(43) });
    });
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const identity = await enroll({ serverUrl: url, token: 'tok', facts, agentVersion: '0.1.0', clock, random: () => 0.5, log: silentLogger() });
    expect(identity).toEqual({ deviceId: 'dev-1', credential: 'k'.repeat(43), serverUrl: url, enrolledAt: '2026-01-01T00:00:00.000Z' });
    expect(seen).toEqual({ method: 'POST', path: '/api/v1/enroll', body: { token: 'tok', facts, agentVersion: '0.1.0' } });
  });

  it.each([
    ['E_TOKEN_EXPIRED', /has expired/],
    ['E_TOKEN_REVOKED', /was revoked/],
    ['E_TOKEN_EXHAUSTED', /used as often as it allows/],
    ['E_TOKEN_INVALID', /not known to the server/],
  ])('says which token problem a 401 %s is, without retrying', async (code, message) => {
    let calls = 0;
    const url = await serve((_req, _body, res) => {
      calls++;
      json(res, 401, { error: { code, message: 'nope' } });
    });
    const err = await enroll({ serverUrl: url, token: 'bad', facts, agentVersion: '0', clock: new ManualClock(), random: () => 0, log: silentLogger() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnrollmentRefused);
    expect(err).toMatchObject({ code, status: 401, message: expect.stringMatching(message) });
    expect(calls).toBe(1);
  });

  it('does not retry a 400 and shows what the server said', async () => {
    const url = await serve((_req, _body, res) => json(res, 400, { error: { code: 'E_VALIDATION', message: 'facts.hostname: required' } }));
    await expect(enroll({ serverUrl: url, token: 't', facts, agentVersion: '0', clock: new ManualClock(), random: () => 0, log: silentLogger() })).rejects.toThrow(
      /HTTP 400\): facts.hostname: required/,
    );
  });

  it('retries network errors and 5xx with backoff on the injected clock until the server answers', async () => {
    let calls = 0;
    const url = await serve((_req, _body, res) => {
      calls++;
      if (calls === 1) json(res, 503, { error: { code: 'E_INTERNAL', message: 'starting' } });
      else json(res, 200, { deviceId: 'dev-2', credential: 'c'.repeat(43) });
    });
    const clock = new ManualClock();
    const closed = await serve(() => undefined);
    await new Promise((r) => servers.pop()?.close(r)); // a port nobody listens on: connection refused
    const unreachable = closed;
    const done = enroll({ serverUrl: unreachable, token: 't', facts, agentVersion: '0', clock, random: () => 0.5, log: silentLogger(), maxAttempts: 2 });
    // first attempt is refused; the second waits for the clock
    await new Promise<void>((resolve) => {
      const check = () => (clock.pending().length ? resolve() : setImmediate(check));
      check();
    });
    expect(clock.pending()).toEqual([500]);
    clock.advance(500);
    await expect(done).rejects.toThrow(/unreachable after 2 attempts \(ECONNREFUSED\)/);

    const ok = enroll({ serverUrl: url, token: 't', facts, agentVersion: '0', clock, random: () => 0.5, log: silentLogger() });
    await new Promise<void>((resolve) => {
      const check = () => (clock.pending().length ? resolve() : setImmediate(check));
      check();
    });
    clock.advance(500);
    expect((await ok).deviceId).toBe('dev-2');
    expect(calls).toBe(2);
  });
});
