// Builds the operator console (server/ui → server/ui/dist). Runs after `pnpm install` (root
// postinstall), so a fresh clone serves the console at once; `pnpm --filter @patchwave/server
// ui:build` does the same by hand. Plain JavaScript: it runs before anything else is built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const server = fileURLToPath(new URL('../server/', import.meta.url));
const vite = fileURLToPath(new URL('../server/node_modules/vite/bin/vite.js', import.meta.url));

if (!existsSync(vite)) {
  // A production install (no dev dependencies): the server runs and its / says how to build the console.
  console.warn('patchwave: the console was not built (vite is not installed, a production install?); build it with: pnpm --filter @patchwave/server ui:build');
  process.exit(0);
}
const result = spawnSync(process.execPath, [vite, 'build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn'], { cwd: server, stdio: 'inherit' });
if (result.status !== 0) console.error(`patchwave: building the console failed (exit ${result.status ?? result.signal})`);
process.exit(result.status ?? 1);
