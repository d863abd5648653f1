/**
 * Builds the one-file agent executables (Node single executable applications).
 *
 *   pnpm build:agent                         # all five targets into dist/
 *   pnpm build:agent --target linux-x64      # one target (repeat or comma-separate for more)
 *   pnpm build:agent --out-dir /tmp/out --entry agent/src/cli/entry.ts
 *
 * Output: dist/patchwave-agent-<os>-<arch>[.exe] and dist/SHA256SUMS.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { selectTargets } from './lib/agent-targets.js';
import { DEFAULT_AGENT_ENTRY, REPO_ROOT } from './lib/bundle-agent.js';
import { buildAgents, DEFAULT_CACHE_DIR } from './lib/build-agents.js';

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', multiple: true, default: [] },
      'out-dir': { type: 'string', default: resolve(REPO_ROOT, 'dist') },
      entry: { type: 'string', default: DEFAULT_AGENT_ENTRY },
      'cache-dir': { type: 'string', default: DEFAULT_CACHE_DIR },
    },
    strict: true,
  });
  const targets = selectTargets(values.target.flatMap((t) => t.split(',')).filter((t) => t !== ''));
  const started = Date.now();
  await buildAgents({
    targets,
    entry: resolve(values.entry),
    outDir: resolve(values['out-dir']),
    cacheDir: resolve(values['cache-dir']),
    report: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`built ${targets.length} executable(s) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

cli().catch((error: unknown) => {
  process.stderr.write(`build-agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
