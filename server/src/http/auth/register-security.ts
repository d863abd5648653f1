import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { PatchwaveError } from '@patchwave/shared';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../../config.js';
import type { Clock } from '../../domain/clock.js';
import './fastify-auth-types.js';
import { restrictAgentListener } from '../../tls/agent-listener.js';
import { SecurityState } from './security-state.js';

/**
 * The console's Content-Security-Policy. The console is a Vite-built single-page app without
 * inline scripts or styles: everything comes from the server itself, including its SSE/WebSocket
 * (`connect-src 'self'`). No frames, plugins or foreign form targets.
 */
export const CONSOLE_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Swagger UI (`/docs`) sets inline styles; scripts stay 'self'. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface SecurityOptions {
  config: ServerConfig;
  clock: Clock;
  /** The listener speaks TLS (HSTS, Secure cookies). */
  tls: boolean;
}

/**
 * Registers what every request passes before the access check: cookies, security headers
 * (helmet, strict CSP), the rate limiter (used by the login and enrollment routes) and the
 * per-process lockout state. Call before `registerAccessControl`, so that refusals carry the headers too.
 */
export async function registerSecurity(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  const { config } = options;
  const secureTransport = options.tls || (config.publicUrl?.startsWith('https:') ?? false);
  app.decorate('security', new SecurityState({ security: config.security, secureTransport, publicUrl: config.publicUrl, clock: options.clock }));
  restrictAgentListener(app);
  await app.register(cookie);
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONSOLE_CSP_DIRECTIVES, ...(secureTransport ? { upgradeInsecureRequests: [] } : {}) } },
    hsts: secureTransport ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url === '/docs' || request.url.startsWith('/docs/')) void reply.header('content-security-policy', DOCS_CSP);
    return payload;
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new PatchwaveError('E_RATE_LIMITED', `too many requests from this address; retry in ${context.after}`, { details: { retryAfterSeconds: Math.ceil(context.ttl / 1000) } }),
  });
}
