import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with its errors turned into UsageError (exit 2) naming the command. */
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O, positionals: { min: number; max: number }): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    // Node appends advice about `--` that only confuses here.
    const message = (err as Error).message.split('. To specify a positional argument')[0] ?? (err as Error).message;
    throw new UsageError(`${command}: ${message}`);
  }
  if (parsed.positionals.length < positionals.min) {
    throw new UsageError(`${command}: expected at least ${positionals.min} argument(s), got ${parsed.positionals.length}`);
  }
  if (parsed.positionals.length > positionals.max) {
    throw new UsageError(`${command}: unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`);
  }
  return parsed;
}
