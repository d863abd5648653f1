import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { consolePath, isServerPath } from './console-paths.js';
import { notBuiltPage } from './console-not-built.js';

/** The built console (`server/ui/dist`), the same from `src/` and from `dist/`. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../ui/dist', import.meta.url));

export interface ConsoleOptions {
  /** Absolute path of the built console (its index.html and assets/). */
  dir: string;
}

/**
 * Default security headers of console responses. When a security plugin (helmet) has already set
 * a policy, that one stands: this only fills the gap, so the console never ships without one.
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const publicRoute = { config: { access: 'public' as const }, schema: { hide: true } };

/**
 * Serves the operator console: `/` and every client route (a browser navigation to any path
 * outside `/api` and `/docs`) get index.html, `/assets/*` the hashed bundles, and top-level files
 * (favicon) themselves. Paths with `.`/`..` segments, backslashes or NUL are refused with 404
 * before anything touches the disk, and @fastify/static's root confinement stays underneath.
 * When the console is not built the server still runs and `/` says how to build it.
 */
export const consoleRoutes: FastifyPluginAsync<ConsoleOptions> = async (app, { dir }) => {
  // serve: false: no routes of its own (they would declare no access); only reply.sendFile.
  await app.register(fastifyStatic, { serve: false });
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) app.log.warn({ dir }, 'console not built: run "pnpm install" or "pnpm --filter @patchwave/server ui:build"; / explains it');

  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) void reply.header('content-security-policy', CONSOLE_CSP);
    if (!reply.hasHeader('x-content-type-options')) void reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('referrer-policy')) void reply.header('referrer-policy', 'same-origin');
    return payload;
  });

  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(indexFile)) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(notBuiltPage());
    // Always revalidated: a rebuilt console must not be served with the previous bundle names.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
  };

  app.get('/', publicRoute, async (_request, reply) => sendIndex(reply));

  app.get('/assets/*', publicRoute, async (request, reply) => {
    const rel = consolePath(rawPath(request).slice('/assets/'.length));
    if (rel === null || rel === '') return reply.callNotFound();
    // Bundle names carry a content hash: cache them for good.
    return reply.sendFile(`assets/${rel}`, dir, { maxAge: '365d', immutable: true });
  });

  app.get('/*', publicRoute, async (request, reply) => {
    const rel = consolePath(rawPath(request).slice(1));
    if (rel === null || isServerPath(rel)) return reply.callNotFound();
    // A top-level name with an extension is a file (favicon.svg, robots.txt): it exists or it is a 404.
    if (!rel.includes('/') && rel.includes('.')) {
      return isFile(join(dir, rel)) ? reply.sendFile(rel, dir, { maxAge: '1h' }) : reply.callNotFound();
    }
    // A browser navigation to a client route (/devices/…): the app routes it.
    if (acceptsHtml(request)) return sendIndex(reply);
    return reply.callNotFound();
  });
};

/** The path as the client sent it, still percent-encoded, without the query. */
function rawPath(request: FastifyRequest): string {
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
