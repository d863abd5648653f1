import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import { checkServerIdentity, connect } from 'node:tls';
import { normalizeFingerprint, PatchwaveError } from '@patchwave/shared';
import type { AgentTlsOptions } from '../connection/agent-connection.js';

export interface ProbedCertificate {
  pem: string;
  /** Canonical (64 lowercase hex) SHA-256 of the certificate. */
  fingerprint: string;
  selfSigned: boolean;
}

/**
 * Opens a TLS connection to the server, reads its certificate and closes again without sending a
 * byte of application data: nothing secret leaves before the certificate is known.
 */
export function probeCertificate(serverUrl: string, timeoutMs = 15_000): Promise<ProbedCertificate> {
  const url = new URL(serverUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake with ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const peer = socket.getPeerCertificate(false) as PeerCertificate | undefined;
      socket.end();
      if (!peer?.raw) {
        reject(new Error(`${host}:${port} presented no certificate`));
        return;
      }
      const cert = new X509Certificate(peer.raw);
      resolve({ pem: cert.toString(), fingerprint: normalizeFingerprint(cert.fingerprint256) as string, selfSigned: cert.issuer === cert.subject && cert.verify(cert.publicKey) });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export class TlsPinMismatch extends PatchwaveError {
  constructor(expected: string, actual: string, host: string) {
    super(
      'E_TLS_PIN_MISMATCH',
      `the TLS certificate of ${host} has SHA-256 ${actual}, not the pinned ${expected} (PATCHWAVE_SERVER_FINGERPRINT): refusing to talk to it`,
      { details: { expected, actual, host } },
    );
    this.name = 'TlsPinMismatch';
  }
}

/**
 * TLS options that accept exactly the pinned certificate. Before each connection the server's
 * certificate is probed: a different fingerprint refuses the connection before any credential is
 * sent. A self-signed certificate becomes the only trust anchor; a CA-issued one is validated as
 * usual (chain and host name). Either way the handshake itself re-checks the fingerprint, so a
 * certificate swapped between probe and connection is refused too.
 */
export function pinnedTlsOptions(serverUrl: string, pin: string): () => Promise<AgentTlsOptions> {
  const host = new URL(serverUrl).hostname;
  return async () => {
    const probed = await probeCertificate(serverUrl);
    if (probed.fingerprint !== pin) throw new TlsPinMismatch(pin, probed.fingerprint, host);
    return {
      rejectUnauthorized: true,
      ...(probed.selfSigned ? { ca: [probed.pem] } : {}),
      checkServerIdentity: (hostname: string, cert: PeerCertificate) => {
        const actual = normalizeFingerprint(cert.fingerprint256) ?? '';
        if (actual !== pin) return new TlsPinMismatch(pin, actual, hostname);
        return probed.selfSigned ? undefined : checkServerIdentity(hostname, cert);
      },
    };
  };
}
