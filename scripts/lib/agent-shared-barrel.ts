import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * The HTTP API modules of @patchwave/shared that the agent uses (enrollment and error bodies).
 * The others describe the console's API: zod schemas the agent never parses.
 */
export const AGENT_API_MODULES: readonly string[] = ['enroll', 'error-body'];

const API_REEXPORT = /^export \* from '\.\/api\/([\w-]+)\.js';\s*$/;

/** shared/src/index.ts without the `export * from './api/…'` lines of modules not in `keep`. */
export function pruneApiReexports(indexSource: string, keep: readonly string[] = AGENT_API_MODULES): string {
  return indexSource
    .split('\n')
    .filter((line) => {
      const api = API_REEXPORT.exec(line);
      return !api?.[1] || keep.includes(api[1]);
    })
    .join('\n');
}

/**
 * Loads shared's barrel (`sharedIndex`, the absolute path of shared/src/index.ts) without the
 * console's API schemas. In the CommonJS bundle every module behind a dynamic import() is wrapped
 * in a lazy initialiser, and a wrapped barrel initialises everything it re-exports, so esbuild
 * cannot tree-shake them: each z.object() of the console API would be built at start and kept on
 * the heap (about 2.5 MB; docs/decisions/020-agent-memory.md). If the agent starts importing a
 * name from a pruned module the bundle fails ("No matching export"), never the running agent.
 */
export function agentSharedBarrel(sharedIndex: string, keep: readonly string[] = AGENT_API_MODULES): Plugin {
  return {
    name: 'patchwave-agent-shared-barrel',
    setup(build) {
      build.onLoad({ filter: /[\\/]shared[\\/]src[\\/]index\.ts$/ }, async (args) => {
        if (args.path !== sharedIndex) return undefined;
        return { contents: pruneApiReexports(await readFile(args.path, 'utf8'), keep), loader: 'ts', resolveDir: dirname(args.path) };
      });
    },
  };
}
