import 'reflect-metadata';
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface SelfSignedOptions {
  /** DNS names and IP addresses the certificate is valid for (subjectAltName). */
  hosts: string[];
  /** Validity in days (default 825, the longest browsers accept for a leaf). */
  days?: number;
  now?: Date;
}

export interface SelfSigned {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate, `AB:CD:…`. */
  fingerprint: string;
  notAfter: Date;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * A self-signed ECDSA P-256 server certificate (@peculiar/x509 over Node's WebCrypto): agents pin
 * its SHA-256 fingerprint (PATCHWAVE_SERVER_FINGERPRINT) instead of trusting a CA.
 */
export async function generateSelfSigned(options: SelfSignedOptions): Promise<SelfSigned> {
  const hosts = [...new Set(options.hosts.map((h) => h.trim()).filter(Boolean))];
  if (hosts.length === 0) throw new Error('give at least one host name or IP address for the certificate');
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const notAfter = new Date(now.getTime() + (options.days ?? 825) * 86_400_000);
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const names = hosts.map((h) => (isIP(h.replace(/^\[|\]$/g, '')) ? { type: 'ip' as const, value: h.replace(/^\[|\]$/g, '') } : { type: 'dns' as const, value: h }));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${randomBytes(15).toString('hex')}`,
    name: `CN=${hosts[0]?.replace(/[,=+<>#;"\\]/g, '')}, O=patchwave`,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(names, false),
    ],
  });
  const certPem = cert.toString('pem');
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  return { certPem, keyPem, fingerprint: new X509Certificate(certPem).fingerprint256, notAfter };
}

/** Writes the pair: the key readable by the owner only (0600, directory 0700). */
export async function writeCertificatePair(pair: Pick<SelfSigned, 'certPem' | 'keyPem'>, certFile: string, keyFile: string): Promise<void> {
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  await mkdir(dirname(certFile), { recursive: true, mode: 0o700 });
  await writeFile(keyFile, pair.keyPem, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  await writeFile(certFile, pair.certPem, { mode: 0o644 });
}
