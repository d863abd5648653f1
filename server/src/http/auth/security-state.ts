import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from '@patchwave/shared';
import type { SecurityConfig } from '../../config.js';
import type { Clock } from '../../domain/clock.js';
import { FailureThrottle } from '../../domain/sessions/failure-throttle.js';

export interface SecurityStateOptions {
  security: SecurityConfig;
  /** The server itself speaks TLS, or its public URL is https (a TLS-terminating proxy). */
  secureTransport: boolean;
  publicUrl: string | undefined;
  clock: Clock;
}

/** Per-process security state: address lockouts and the cookie and origin policy. */
export class SecurityState {
  /** Failed logins per client address. */
  readonly loginAddresses: FailureThrottle;
  /** Failed enrollments (wrong, used-up, revoked tokens) per client address. */
  readonly enrollAddresses: FailureThrottle;
  readonly secureTransport: boolean;
  readonly cookieName: string;
  private readonly allowedOrigins: ReadonlySet<string>;

  constructor(readonly options: SecurityStateOptions) {
    const policy = {
      maxFailures: options.security.addressMaxFailures,
      windowMs: options.security.addressWindowMinutes * 60_000,
      lockMs: options.security.addressLockMinutes * 60_000,
    };
    this.loginAddresses = new FailureThrottle(policy, options.clock);
    this.enrollAddresses = new FailureThrottle(policy, options.clock);
    this.secureTransport = options.secureTransport;
    this.cookieName = options.secureTransport ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
    const origins = [...options.security.allowedOrigins, ...(options.publicUrl ? [options.publicUrl] : [])];
    this.allowedOrigins = new Set(origins.map((o) => new URL(o).origin));
  }

  /**
   * Whether a browser `Origin` may use a session here: the server's own origin (scheme, host and
   * port of the request), its public URL, or one configured in `security.allowedOrigins`.
   */
  originAllowed(origin: string, host: string | undefined, protocol: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file://) and garbage are never allowed
    }
    if (this.allowedOrigins.has(parsed.origin)) return true;
    if (host === undefined) return false;
    try {
      // The server's own origin as this request reached it (URL drops default ports on both sides).
      return new URL(`${protocol}://${host}`).origin === parsed.origin;
    } catch {
      return false;
    }
  }
}
