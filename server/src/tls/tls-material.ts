import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerConfig } from '../config.js';
import { ConfigError } from '../config.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 of the certificate (DER), `AB:CD:…`: what agents pin as PATCHWAVE_SERVER_FINGERPRINT. */
  fingerprint: string;
  /** Where it came from, for messages. */
  source: string;
  subjectAltName: string;
  validTo: Date;
}

/** Where `patchwave server cert --self-signed` writes, and where `server start` looks when `tls` is not configured. */
export function dataDirTlsFiles(dataDir: string): { certFile: string; keyFile: string } {
  return { certFile: join(dataDir, 'tls', 'cert.pem'), keyFile: join(dataDir, 'tls', 'key.pem') };
}

function read(file: string, what: string, source: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`tls.${what} (from ${source}): cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The certificate and key the server listens with: the configured files (`tls.certFile`,
 * `tls.keyFile`), else the pair `server cert --self-signed` left in the data dir, else none. A
 * certificate that does not parse, has expired or does not belong to the key is a config error.
 */
export function loadTlsMaterial(config: Pick<ServerConfig, 'tls' | 'dataDir'>, now: Date = new Date()): TlsMaterial | null {
  let files = config.tls;
  let source = 'config tls';
  if (!files) {
    const fallback = dataDirTlsFiles(config.dataDir);
    if (!existsSync(fallback.certFile) || !existsSync(fallback.keyFile)) return null;
    files = fallback;
    source = `data dir (${join(config.dataDir, 'tls')})`;
  }
  const cert = read(files.certFile, 'certFile', source);
  const key = read(files.keyFile, 'keyFile', source);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new ConfigError(`tls.certFile (from ${source}): ${files.certFile} is not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
  const validTo = new Date(x509.validTo);
  if (validTo.getTime() <= now.getTime()) {
    throw new ConfigError(`tls.certFile (from ${source}): the certificate in ${files.certFile} expired on ${validTo.toISOString()}`);
  }
  let matches = false;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch (err) {
    throw new ConfigError(`tls.keyFile (from ${source}): ${files.keyFile} is not a PEM private key: ${(err as Error).message}`, { cause: err });
  }
  if (!matches) throw new ConfigError(`tls (from ${source}): the key in ${files.keyFile} does not belong to the certificate in ${files.certFile}`);
  return { cert, key, fingerprint: x509.fingerprint256, source, subjectAltName: x509.subjectAltName ?? '', validTo };
}
