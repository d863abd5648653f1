import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { agentSharedBarrel } from './agent-shared-barrel.js';
import { escapeNonAscii } from './ascii-source.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_AGENT_ENTRY = join(REPO_ROOT, 'agent', 'src', 'cli', 'entry.ts');

/** Modules the agent never loads in the executable: ws's optional native speed-ups. */
const OPTIONAL_NATIVE = ['bufferutil', 'utf-8-validate'];

export interface BundleResult {
  file: string;
  bytes: number;
  warnings: string[];
}

/**
 * Bundles the agent CLI into one CommonJS file, the only form a Node 20 SEA runs. Inside the
 * executable `require` reaches built-in modules only, so every dependency is inlined here.
 * `entry` is the executable's entry script (agent/src/cli/entry.ts: it calls the async `main()`
 * and sets the exit code; no top-level await, which CommonJS cannot express).
 */
export async function bundleAgent(entry: string, outFile: string): Promise<BundleResult> {
  await mkdir(dirname(outFile), { recursive: true });
  const result = await build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Workspace packages resolve to their TypeScript sources, as in tests and tsx.
    conditions: ['source'],
    mainFields: ['module', 'main'],
    tsconfig: join(REPO_ROOT, 'agent', 'tsconfig.json'),
    inject: [join(REPO_ROOT, 'scripts', 'lib', 'sea-shim', 'import-meta-url.ts')],
    define: {
      'import.meta.url': 'importMetaUrl',
      // ws would try to require these native add-ons; the executable cannot load add-ons.
      'process.env.WS_NO_BUFFER_UTIL': '"1"',
      'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
    },
    external: OPTIONAL_NATIVE,
    legalComments: 'eof',
    logLevel: 'silent',
    metafile: false,
    write: false,
    plugins: [agentSharedBarrel(join(REPO_ROOT, 'shared', 'src', 'index.ts'))],
  });
  const output = result.outputFiles.find((f) => f.path === outFile) ?? result.outputFiles[0];
  if (!output) throw new Error(`esbuild wrote no output for ${entry}`);
  // One byte per character in V8's heap instead of two (see ascii-source.ts).
  const source = escapeNonAscii(output.text);
  await writeFile(outFile, source);

  const warnings = result.warnings.map((w) => `${w.location?.file ?? '?'}:${w.location?.line ?? 0} ${w.text}`);
  return { file: outFile, bytes: Buffer.byteLength(source), warnings };
}
