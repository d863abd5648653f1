import { compareVersions, VERSION_SCHEMES, type VersionScheme } from '@patchwave/shared';
import { parseCommandArgs } from '../args.js';
import { EXIT, UsageError, type CliIO } from '../io.js';

/** `patchwave-agent vercmp <scheme> A B`: prints -1, 0 or 1. */
export async function vercmpCommand(args: string[], io: CliIO): Promise<number> {
  // `--` lets versions that start with a dash through; parseArgs handles it.
  const { positionals } = parseCommandArgs('vercmp', args, {}, { min: 3, max: 3 });
  const [scheme = '', a = '', b = ''] = positionals;
  if (!(VERSION_SCHEMES as readonly string[]).includes(scheme)) {
    throw new UsageError(`vercmp: unknown scheme "${scheme}" (expected ${VERSION_SCHEMES.join(', ')})`);
  }
  io.stdout(`${compareVersions(scheme as VersionScheme, a, b)}\n`);
  return EXIT.ok;
}
