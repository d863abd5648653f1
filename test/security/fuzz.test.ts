import { agentFrame, ERROR_CODES, parseAgentFrame, parseServerFrame, PROTOCOL_VERSION } from '@patchwave/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../server/src/http/fastify-types.js';
import { sampleInventory, samplePackages } from '../../server/src/testing/facts.js';
import { listeningServer, type ListeningServer } from './support/security-server.js';

/**
 * Threat: input that crashes the parser or a handler (a 500 is a bug an attacker can aim at).
 * fast-check feeds the frame parsers arbitrary text, JSON and mutated valid frames, and every
 * REST route of the built app (from the route table, so later routes are covered too) arbitrary
 * bodies, query strings and path parameters: no throw, no 500.
 */

const codes: ReadonlySet<string> = new Set(ERROR_CODES);

const validFrames = [
  agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '1.0.0', capabilities: ['jobs'] }),
  agentFrame('heartbeat', { uptimeSeconds: 5 }),
  agentFrame('inventory.report', { kind: 'full', hash: 'a'.repeat(64), inventory: sampleInventory(samplePackages(3)) }),
  agentFrame('security.event', { kind: 'job.rejected', code: 'E_JOB_BAD_SIGNATURE', message: 'm', jobId: 'j1' }),
];

/** A valid frame with one value somewhere replaced by an arbitrary JSON value. */
const mutated = fc.tuple(fc.constantFrom(...validFrames), fc.jsonValue(), fc.nat()).map(([frame, value, pick]) => {
  const copy = JSON.parse(JSON.stringify(frame)) as Record<string, unknown>;
  const paths: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        paths.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(k) : k });
        walk(v);
      }
    }
  };
  walk(copy);
  const target = paths[pick % paths.length];
  if (target) (target.parent as Record<string | number, unknown>)[target.key] = value;
  return JSON.stringify(copy);
});

function checkParse(text: string): void {
  for (const parse of [parseAgentFrame, parseServerFrame]) {
    const result = parse(text);
    if (!result.ok) {
      expect(codes.has(result.code)).toBe(true);
      expect(result.message.length).toBeGreaterThan(0);
    }
  }
}

describe('frame parser fuzzing', () => {
  it('never throws on arbitrary text, arbitrary JSON or mutated valid frames, and names an error code when it refuses', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), checkParse), { numRuns: 2000 });
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => checkParse(JSON.stringify(v))), { numRuns: 1000 });
    fc.assert(fc.property(mutated, checkParse), { numRuns: 3000 });
    fc.assert(
      fc.property(fc.record({ v: fc.integer(), id: fc.string(), type: fc.string(), ts: fc.string(), payload: fc.anything() }), (v) => checkParse(JSON.stringify(v))),
      { numRuns: 1000 },
    );
  });
});

let s: ListeningServer;

beforeAll(async () => {
  s = await listeningServer();
});
afterAll(async () => {
  await s?.close();
});

/** The status of one request as soon as its headers arrive (event streams are cut off). */
async function statusOf(method: string, url: string, body: string | undefined): Promise<number> {
  const controller = new AbortController();
  try {
    const res = await fetch(`${s.url}${url}`, {
      method,
      headers: { ...s.t.auth(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
      signal: controller.signal,
    });
    return res.status;
  } finally {
    controller.abort();
  }
}

const segment = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constantFrom('..', '%2e%2e', "1' OR '1'='1", '--help', '<script>', '\u0000', 'x'.repeat(300)));
const queryValue = fc.oneof(fc.string({ maxLength: 50 }), fc.integer().map(String), fc.constantFrom('-1', '1e309', 'NaN', 'true', "';--", '9'.repeat(40)));
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.dictionary(fc.constantFrom('name', 'role', 'username', 'password', 'expiresIn', 'tags', 'maxUses', 'overlap', 'selection', 'devices', 'waves', 'comment'), fc.jsonValue({ maxDepth: 3 })).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
);

function concrete(route: RouteEntry, params: string[]): string {
  let i = 0;
  return route.url.replace(/:([A-Za-z0-9_]+)|\*/g, () => encodeURIComponent(params[i++ % params.length] ?? 'x'));
}

describe('REST input fuzzing, every route of the route table', () => {
  it('answers arbitrary bodies, query strings and path parameters with a 4xx (or success), never a 500', async () => {
    const routes = s.t.app.routeTable().filter((r) => r.method !== 'HEAD' && r.access !== 'agent' && !r.url.startsWith('/docs'));
    expect(routes.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 3 }), fc.dictionary(fc.constantFrom('limit', 'offset', 'name', 'sort', 'order', 'status', 'security', 'afterSeq', 'since', 'tag', 'x'), queryValue), body, async (params, query, payload) => {
          const qs = new URLSearchParams(query).toString();
          const url = `${concrete(route, params)}${qs ? `?${qs}` : ''}`;
          const hasBody = !['GET', 'DELETE'].includes(route.method);
          const status = await statusOf(route.method, url, hasBody ? payload : undefined);
          if (status >= 500) failures.push(`${route.method} ${url} body=${hasBody ? payload.slice(0, 200) : '-'} → ${status}`);
          return status < 500;
        }),
        { numRuns: 12 },
      ).catch((err: unknown) => failures.push(`${route.method} ${route.url}: ${(err as Error).message.split('\n')[0]}`));
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
