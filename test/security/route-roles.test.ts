import { CSRF_HEADER, OPERATOR_ROLES, type OperatorRole } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleSatisfies } from '../../server/src/domain/api-tokens/api-token.js';
import type { RouteEntry } from '../../server/src/http/fastify-types.js';
import { listeningServer, type ListeningServer } from './support/security-server.js';
import { signIn, userWithRole } from './support/sessions.js';

/**
 * Threat: a route that anyone (or the wrong role) can call — the Salt CVE-2020-11651 class of bug.
 * Generated from `app.routeTable()`: every route of the built app, including those added later by
 * other features, must declare its access, and every role that may not call a route gets 403 —
 * through an API token and through a console session alike. A new route without a declaration
 * fails here. Real HTTP on loopback (event streams answer their headers and are cut off).
 */

let s: ListeningServer;
const tokens = new Map<OperatorRole, string>();
const sessions = new Map<OperatorRole, Record<string, string>>();
let table: RouteEntry[];

beforeAll(async () => {
  s = await listeningServer();
  table = s.t.app.routeTable();
  for (const role of OPERATOR_ROLES) {
    tokens.set(role, await s.t.tokenWithRole(role));
    const user = await userWithRole(s.t.app, `matrix-${role}`, role);
    const browser = await signIn(s.t.app, `matrix-${role}`, user.password);
    sessions.set(role, browser.headers(true));
  }
}, 120_000);

afterAll(async () => {
  await s?.close();
});

/** A concrete URL for a route pattern: ids become UUIDs, other parameters and wildcards plain words. */
function concrete(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => (/id$/i.test(name) ? '7b0c5e0e-0000-4000-8000-000000000000' : 'x')).replace(/\*/g, 'x');
}

/** Sends one request and returns its status as soon as the headers arrive (event streams never end). */
async function status(route: RouteEntry, headers: Record<string, string>): Promise<number> {
  const controller = new AbortController();
  const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(route.method);
  try {
    const res = await fetch(`${s.url}${concrete(route.url)}`, {
      method: route.method,
      headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      ...(hasBody ? { body: '{}' } : {}),
      signal: controller.signal,
    });
    return res.status;
  } finally {
    controller.abort();
  }
}

const describeAccess = (r: RouteEntry) => (r.access === null ? 'NONE' : typeof r.access === 'string' ? r.access : `role:${r.access.role}`);

describe('every route declares who may call it, and the others get 403', () => {
  it('has no route without a declared access (a forgotten declaration fails here)', () => {
    const undeclared = table.filter((r) => r.access === null).map((r) => `${r.method} ${r.url}`);
    expect(undeclared, 'routes without config.access').toEqual([]);
    expect(table.length).toBeGreaterThan(40);
    // HEAD routes mirror their GET.
    for (const head of table.filter((r) => r.method === 'HEAD')) {
      const get = table.find((r) => r.method === 'GET' && r.url === head.url);
      if (get) expect(describeAccess(head), head.url).toBe(describeAccess(get));
    }
  });

  it('answers 403 to each role that does not satisfy the route (token and session), and lets the others through', async () => {
    const checked: string[] = [];
    for (const route of table.filter((r) => r.method !== 'HEAD' && typeof r.access === 'object' && r.access !== null)) {
      const required = (route.access as { role: OperatorRole }).role;
      for (const role of OPERATOR_ROLES) {
        const allowed = roleSatisfies(role, required);
        for (const [via, headers] of [
          ['token', { authorization: `Bearer ${tokens.get(role)}` }],
          ['session', sessions.get(role) as Record<string, string>],
        ] as const) {
          const got = await status(route, headers);
          const what = `${route.method} ${route.url} (needs ${required}) as ${role} via ${via}: ${got}`;
          if (allowed) expect([401, 403], what).not.toContain(got);
          else expect(got, what).toBe(403);
          checked.push(what);
        }
      }
    }
    expect(checked.length).toBeGreaterThan(100);
    const denials = await s.t.app.services.audit.list({ limit: 1000, action: 'access.denied' });
    expect(denials.length).toBe(checked.filter((c) => c.endsWith(': 403')).length);
  }, 180_000);

  it('answers 401 to a request with no credential on every route that is not public', async () => {
    for (const route of table.filter((r) => r.method !== 'HEAD' && r.access !== 'public')) {
      const got = await status(route, {});
      expect(got, `${route.method} ${route.url} (${describeAccess(route)}) anonymous`).toBe(401);
    }
  }, 120_000);

  it('lets every operator use the routes that act on themselves, and no operator credential open the agent routes', async () => {
    for (const route of table.filter((r) => r.method !== 'HEAD' && (r.access === 'self' || r.access === 'agent'))) {
      for (const role of OPERATOR_ROLES) {
        const viaToken = await status(route, { authorization: `Bearer ${tokens.get(role)}` });
        // Logging out would end the session the other checks use (logout itself: operator-auth.test.ts).
        const viaSession = route.url === '/api/v1/auth/logout' ? null : await status(route, sessions.get(role) as Record<string, string>);
        if (route.access === 'agent') {
          expect([viaToken, viaSession], `${route.method} ${route.url} as ${role}`).toEqual([401, 401]);
        } else {
          expect([401, 403], `${route.method} ${route.url} as ${role} via token: ${viaToken}`).not.toContain(viaToken);
          if (viaSession !== null) expect([401, 403], `${route.method} ${route.url} as ${role} via session: ${viaSession}`).not.toContain(viaSession);
        }
      }
    }
  }, 120_000);

  it('checks the CSRF token before the role: a session request without it is refused whatever the role', async () => {
    const headers = { ...(sessions.get('admin') as Record<string, string>) };
    delete headers[CSRF_HEADER];
    const route = table.find((r) => r.method === 'POST' && r.url === '/api/v1/enrollment-tokens') as RouteEntry;
    expect(await status(route, headers)).toBe(403);
  });
});
