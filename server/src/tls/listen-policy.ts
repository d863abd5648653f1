import { isIP } from 'node:net';
import { ConfigError } from '../config.js';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/**
 * Plain HTTP carries API tokens, session cookies and agent credentials in clear: allowed on
 * loopback (development, the quick start), elsewhere only with an explicit `--insecure-http`.
 */
export function assertListenAllowed(listener: { host: string; what: string }, tls: boolean, insecureHttp: boolean): void {
  if (tls || insecureHttp || isLoopbackHost(listener.host)) return;
  throw new ConfigError(
    `${listener.what}: refusing to listen on ${listener.host} without TLS. Give a certificate (config "tls": { "certFile", "keyFile" }, ` +
      'or "patchwave server cert --self-signed" first), listen on 127.0.0.1, or pass --insecure-http (PATCHWAVE_INSECURE_HTTP=1) if a proxy in front terminates TLS.',
  );
}
