import type { ParseArgsConfig } from 'node:util';
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<O extends Options> {
  values: { [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string };
  positionals: string[];
}

/** Flags every REST command accepts. */
export const CLIENT_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** `parseArgs` in strict mode; unknown flags and missing values become a UsageError naming them. */
export function parse<O extends Options>(args: string[], options: O, command: string, maxPositionals = 0): Parsed<O> {
  let result;
  try {
    result = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message.replace(/\. To specify a positional.*$/s, '')}`, { cause: err });
  }
  if (result.positionals.length > maxPositionals) {
    throw new UsageError(`${command}: unexpected argument "${result.positionals[maxPositionals]}"`);
  }
  return result as unknown as Parsed<O>;
}

/** A positive integer flag value, or a UsageError naming the flag. */
export function intFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag}: expected a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag}: must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function requirePositional(positionals: string[], index: number, what: string, command: string): string {
  const value = positionals[index];
  if (value === undefined || value === '') throw new UsageError(`${command}: missing ${what}`);
  return value;
}
