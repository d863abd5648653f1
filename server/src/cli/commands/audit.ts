import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { ChainVerifier } from '../../domain/audit/audit-chain.js';
import type { ChainVerification } from '../../domain/audit/audit-chain.js';
import type { AuditEntry } from '../../domain/audit/audit-entry.js';
import { CLIENT_OPTIONS, intFlag, parse } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { printJson } from '../output.js';
import { UsageError } from '../usage-error.js';

interface AuditEntryDto extends Omit<AuditEntry, 'at'> {
  at: string;
}

export const AUDIT_HELP = `patchwave audit — the hash-chained audit log

  patchwave audit verify [--json]                 ask the server to recompute the chain
  patchwave audit verify --file <export.jsonl>    verify an export offline, without any server
  patchwave audit export [--output FILE] [--after-seq N]
                                                  write entries as JSON lines (stdout by default)

verify exits 1 when the chain is broken and names the first broken entry.
`;

export async function auditCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'verify':
      return verify(rest, io);
    case 'export':
      return exportLog(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(AUDIT_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`audit: unknown command "${sub}" (expected verify or export)`);
  }
}

function report(io: Io, result: ChainVerification, json: boolean | undefined, source: string): number {
  if (json) printJson(io, result);
  else if (result.ok) io.out(`audit chain intact: ${result.count} entries${result.headHash ? `, head ${result.headSeq} ${result.headHash}` : ''} (${source})\n`);
  else io.out(`audit chain BROKEN at seq ${result.firstBroken?.seq}: ${result.firstBroken?.reason} (${source})\n`);
  return result.ok ? 0 : 1;
}

async function verify(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...CLIENT_OPTIONS, file: { type: 'string' } }, 'audit verify');
  if (values.help) {
    io.out(AUDIT_HELP);
    return 0;
  }
  if (values.file) return report(io, await verifyFile(values.file), values.json, values.file);
  const result = await clientFromFlags(values, io).get<ChainVerification>('/api/v1/audit/verify');
  return report(io, result, values.json, 'server');
}

/** Verifies a JSON-lines export; a line that is not an entry is a broken link at that line. */
export async function verifyFile(path: string): Promise<ChainVerification> {
  const verifier = new ChainVerifier();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      let dto: AuditEntryDto;
      try {
        dto = JSON.parse(line) as AuditEntryDto;
      } catch {
        return { ...verifier.result(), ok: false, firstBroken: { seq: -1, reason: `line ${lineNo} is not JSON` } };
      }
      if (typeof dto.seq !== 'number' || typeof dto.at !== 'string' || typeof dto.hash !== 'string') {
        return { ...verifier.result(), ok: false, firstBroken: { seq: typeof dto.seq === 'number' ? dto.seq : -1, reason: `line ${lineNo} is not an audit entry` } };
      }
      if (!verifier.push({ ...dto, at: new Date(dto.at) })) break;
    }
  } catch (err) {
    throw new UsageError(`--file: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return verifier.result();
}

async function exportLog(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...CLIENT_OPTIONS, output: { type: 'string', short: 'o' }, 'after-seq': { type: 'string' } }, 'audit export');
  if (values.help) {
    io.out(AUDIT_HELP);
    return 0;
  }
  const client = clientFromFlags(values, io);
  const file = values.output ? createWriteStream(values.output, { mode: 0o600 }) : null;
  const write = async (text: string) => {
    if (!file) return io.out(text);
    if (!file.write(text)) await once(file, 'drain');
  };
  let afterSeq: number | null = intFlag(values['after-seq'], '--after-seq', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  let count = 0;
  while (afterSeq !== null) {
    const page: { items: AuditEntryDto[]; nextAfterSeq: number | null } = await client.get('/api/v1/audit', { afterSeq, limit: 1000 });
    for (const entry of page.items) await write(`${JSON.stringify(entry)}\n`);
    count += page.items.length;
    afterSeq = page.nextAfterSeq;
  }
  if (file) {
    file.end();
    await once(file, 'finish');
    io.err(`exported ${count} audit entries to ${values.output}\n`);
  }
  return 0;
}
