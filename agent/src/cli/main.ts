import { PatchwaveError } from '@patchwave/shared';
import { ConfigError, EXIT_USAGE } from '../config/config-error.js';
import { AGENT_VERSION } from '../version.js';
import { EXIT, processIO, UsageError, type CliIO } from './io.js';
import { USAGE } from './usage.js';

type Command = (args: string[], io: CliIO) => Promise<number>;

/** Loaded on demand: `--version` and `vercmp` do not pay for systeminformation, ws and the adapters. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  inventory: async () => (await import('./commands/inventory.js')).inventoryCommand,
  plan: async () => (await import('./commands/plan.js')).planCommand,
  parse: async () => (await import('./commands/parse.js')).parseCommand,
  vercmp: async () => (await import('./commands/vercmp.js')).vercmpCommand,
  uninstall: async () => (await import('./commands/uninstall.js')).uninstallCommand,
};

/**
 * The CLI. Returns the exit code instead of exiting so that it can be tested in-process and
 * bundled (esbuild → one CommonJS file for Node SEA: no top-level await, no native addons).
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io[command === undefined ? 'stderr' : 'stdout'](USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      io.stdout(`${AGENT_VERSION}\n`);
      return EXIT.ok;
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw new UsageError(`unknown command "${command}"`);
    return await (await load())(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`patchwave-agent: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      io.stderr(`patchwave-agent: ${err.message}\n`);
      return EXIT_USAGE;
    }
    const code = err instanceof PatchwaveError ? `${err.code}: ` : '';
    io.stderr(`patchwave-agent: ${code}${(err as Error).message ?? String(err)}\n`);
    return EXIT.failure;
  }
}
