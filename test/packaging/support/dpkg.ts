import fs from 'node:fs/promises';
import { runTool, ToolError, type RunToolResult } from '../../../scripts/lib/run-tool.js';
import { waitFor } from './wait.js';

const LOCKED = /dpkg frontend lock|lock-frontend|dpkg status database is locked|database is locked by another process/i;

/**
 * Runs dpkg with `env` added to its environment, as `PATCHWAVE_SERVER_URL=… dpkg -i …` would.
 * Another dpkg or apt run on this machine holds the lock for a moment at most; then we try again
 * (waiting on the lock itself, for up to two minutes) rather than failing.
 */
export async function dpkg(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunToolResult> {
  let result: RunToolResult | undefined;
  await waitFor(
    async () => {
      try {
        result = await runTool('dpkg', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...env }, timeoutMs: 300_000 });
        return true;
      } catch (err) {
        if (err instanceof ToolError && LOCKED.test(err.stderr)) return false;
        throw err;
      }
    },
    { timeoutMs: 120_000, what: `the dpkg lock (dpkg ${args.join(' ')})`, everyMs: 1000 },
  );
  if (!result) throw new Error('unreachable: dpkg returned no result');
  return result;
}

/** `dpkg-query` status of a package, e.g. "install ok installed", or undefined when dpkg does not know it. */
export async function dpkgStatus(name: string): Promise<string | undefined> {
  try {
    return (await runTool('dpkg-query', ['-W', '-f=${Status}', name])).stdout;
  } catch (err) {
    if (err instanceof ToolError && err.code === 1) return undefined;
    throw err;
  }
}

export async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}

export async function mode(file: string): Promise<number> {
  return (await fs.stat(file)).mode & 0o777;
}
