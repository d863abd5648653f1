import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ServerConfig } from '../../config.js';
import { dataDirTlsFiles } from '../../tls/tls-material.js';
import { intFlag, parse } from '../args.js';
import type { Io } from '../output.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  'self-signed': { type: 'boolean' },
  host: { type: 'string', multiple: true },
  days: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  force: { type: 'boolean' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type ConfigFrom = (values: Record<string, string | boolean | undefined>, io: Io) => ServerConfig;

/**
 * `patchwave server cert --self-signed`: writes a self-signed certificate and key for the server
 * (into the data dir unless --cert/--key say otherwise) and prints the fingerprint agents pin.
 */
export async function serverCertCommand(args: string[], io: Io, configFrom: ConfigFrom): Promise<number> {
  const { values } = parse(args, OPTIONS, 'server cert');
  if (values.help) {
    io.out((await import('./server.js')).SERVER_HELP);
    return 0;
  }
  if (!values['self-signed']) throw new UsageError('server cert: only --self-signed is supported (give your own certificate with --tls-cert/--tls-key to "server start")');
  if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('server cert: give both --cert and --key, or neither');
  const days = intFlag(values.days, '--days', 1, 3650) ?? 825;
  const config = configFrom({ ...(values['data-dir'] ? { 'data-dir': values['data-dir'] } : {}), ...(values.config ? { config: values.config } : {}) }, io);
  const files = values.cert && values.key ? { certFile: values.cert, keyFile: values.key } : dataDirTlsFiles(config.dataDir);
  if (!values.force && (existsSync(files.certFile) || existsSync(files.keyFile))) {
    throw new UsageError(`server cert: ${files.certFile} or ${files.keyFile} exists already; pass --force to replace it (agents that pinned the old fingerprint must be given the new one)`);
  }
  const hosts = values.host?.length ? values.host : [hostname(), 'localhost', '127.0.0.1', '::1'];
  for (const host of hosts) {
    if (!/^[A-Za-z0-9.:*[\]-]{1,253}$/.test(host)) throw new UsageError(`--host: "${host}" is not a host name or IP address`);
  }
  const { generateSelfSigned, writeCertificatePair } = await import('../../tls/self-signed.js');
  const pair = await generateSelfSigned({ hosts, days });
  await writeCertificatePair(pair, files.certFile, files.keyFile);
  io.out(`self-signed certificate for ${hosts.join(', ')}, valid until ${pair.notAfter.toISOString()}\n`);
  io.out(`  certificate: ${files.certFile}\n  key:         ${files.keyFile} (mode 0600)\n`);
  io.out(`SHA-256 fingerprint (agents pin it):\n  PATCHWAVE_SERVER_FINGERPRINT=${pair.fingerprint}\n`);
  if (values.cert) io.out(`Start the server with: patchwave server start --tls-cert ${files.certFile} --tls-key ${files.keyFile}\n`);
  else io.out('"patchwave server start" on this data dir now serves HTTPS/WSS with it.\n');
  return 0;
}
