import type { SigningKeyView } from '@patchwave/shared';
import { CLIENT_OPTIONS, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { printJson, shortTime, table } from '../output.js';
import { UsageError } from '../usage-error.js';

export const SIGNING_KEY_HELP = `patchwave signing-key — the server's Ed25519 job-signing keys

  patchwave signing-key list [--json]
  patchwave signing-key rotate [--overlap 7d] [--json]      (admin)
  patchwave signing-key revoke <key-id> [--json]            (admin; not the current key)

rotate: a new key signs from now on, endorsed by the old one, so agents that trust the old key
accept it; jobs signed by the old key stay valid for the overlap. revoke: agents refuse jobs
signed by the key at once. Live agents are told immediately, the others at their next connection.
`;

export async function signingKeyCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list': {
      const { values } = parse(rest, CLIENT_OPTIONS, 'signing-key list');
      if (values.help) return help(io);
      const { items } = await clientFromFlags(values, io).get<{ items: SigningKeyView[] }>('/api/v1/signing-keys');
      if (values.json) printJson(io, items);
      else io.out(table(['KEY ID', 'STATUS', 'CREATED', 'VALID UNTIL', 'FINGERPRINT'], items.map((k) => [k.keyId, k.status, shortTime(k.createdAt), k.notAfter ? shortTime(k.notAfter) : '-', k.fingerprint])));
      return 0;
    }
    case 'rotate': {
      const { values } = parse(rest, { ...CLIENT_OPTIONS, overlap: { type: 'string' } }, 'signing-key rotate');
      if (values.help) return help(io);
      if (values.overlap !== undefined && !/^\d{1,6}[mhdw]$/.test(values.overlap)) throw new UsageError(`--overlap: expected a duration like 12h, 7d or 2w, got "${values.overlap}"`);
      const result = await clientFromFlags(values, io).post<{ previous: SigningKeyView; current: SigningKeyView }>('/api/v1/signing-keys/rotate', values.overlap ? { overlap: values.overlap } : {});
      if (values.json) printJson(io, result);
      else {
        io.out(`new job-signing key ${result.current.keyId}\n  fingerprint: ${result.current.fingerprint}\n`);
        io.out(`previous key ${result.previous.keyId} stays valid until ${result.previous.notAfter}\n`);
      }
      return 0;
    }
    case 'revoke': {
      const { values, positionals } = parse(rest, CLIENT_OPTIONS, 'signing-key revoke', 1);
      if (values.help) return help(io);
      const keyId = requirePositional(positionals, 0, 'key id', 'signing-key revoke');
      const key = await clientFromFlags(values, io).delete<SigningKeyView>(`/api/v1/signing-keys/${encodeURIComponent(keyId)}`);
      if (values.json) printJson(io, key);
      else io.out(`revoked job-signing key ${key.keyId}; agents refuse its jobs from now on\n`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(SIGNING_KEY_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`signing-key: unknown command "${sub}" (expected list, rotate or revoke)`);
  }
}

function help(io: Io): number {
  io.out(SIGNING_KEY_HELP);
  return 0;
}
