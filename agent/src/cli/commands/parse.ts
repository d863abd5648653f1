import fs from 'node:fs/promises';
import path from 'node:path';
import type { ParseKind } from '../../pkg/parse-outcome.js';
import { ADAPTERS } from '../../pkg/registry.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';

const KINDS: readonly ParseKind[] = ['installed', 'updates', 'apply', 'reboot'];

/** `patchwave-agent parse <manager> <kind> [FILE]`: captured output in, the adapter's normalized JSON out. */
export async function parseCommand(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs('parse', args, {}, { min: 2, max: 3 });
  const [manager = '', kind = '', file] = positionals;
  const module = ADAPTERS.find((m) => m.factory.name === manager);
  if (!module) throw new UsageError(`parse: unknown manager "${manager}" (known: ${ADAPTERS.map((m) => m.factory.name).join(', ')})`);
  if (!KINDS.includes(kind as ParseKind)) throw new UsageError(`parse: unknown kind "${kind}" (expected ${KINDS.join(', ')})`);
  const parser = module.parsers[kind as ParseKind];
  if (!parser) {
    const has = KINDS.filter((k) => module.parsers[k]);
    throw new UsageError(`parse: ${manager} has no "${kind}" parser (it has: ${has.join(', ') || 'none'})`);
  }
  let text: string;
  try {
    text = file === undefined || file === '-' ? await io.readStdin() : await fs.readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (err) {
    throw new UsageError(`parse: cannot read ${file}: ${(err as Error).message}`);
  }
  const outcome = parser(text);
  io.stdout(`${JSON.stringify({ manager, kind, ...outcome }, null, 2)}\n`);
  return EXIT.ok;
}
