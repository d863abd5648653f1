import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const UI = fileURLToPath(new URL('../../../server/ui/', import.meta.url));
const SERVER = fileURLToPath(new URL('../../../server/', import.meta.url));
const INDEX = join(UI, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The browser tests drive the console as `pnpm install` built it. When the build is missing or
 * older than its sources (a developer edited the UI), build it first, with the same script.
 */
export function ensureConsoleBuilt(): void {
  const sources = Math.max(newestSource(join(UI, 'src')), statSync(join(UI, 'index.html')).mtimeMs, statSync(join(UI, 'vite.config.ts')).mtimeMs);
  if (existsSync(INDEX) && statSync(INDEX).mtimeMs >= sources) return;
  const vite = join(SERVER, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', join(UI, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: SERVER, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the console failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}
