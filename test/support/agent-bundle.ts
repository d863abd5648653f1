import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The agent CLI bundled once into a single ES module (esbuild, the same sources, as a release
 * build would ship them), so that tests starting dozens of agents do not each transpile the
 * TypeScript sources through tsx — on a 2-core machine that alone takes minutes. Writes it into
 * `dir` (the test's temp dir, removed with it; without one, a new temp dir the caller removes) and
 * returns the path to run with `node`.
 */
export async function bundleAgentForTests(dir: string = mkdtempSync(join(tmpdir(), 'patchwave-e2e-agent-bundle-'))): Promise<string> {
  const outfile = join(dir, 'patchwave-agent.mjs');
  await build({
    entryPoints: [join(ROOT, 'agent', 'src', 'cli', 'entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    conditions: ['source'],
    mainFields: ['module', 'main'],
    tsconfig: join(ROOT, 'agent', 'tsconfig.json'),
    // CommonJS dependencies call require() for Node built-ins; give the module one.
    banner: { js: "import { createRequire as __pwCreateRequire } from 'node:module'; const require = __pwCreateRequire(import.meta.url);" },
    define: { 'process.env.WS_NO_BUFFER_UTIL': '"1"', 'process.env.WS_NO_UTF_8_VALIDATE': '"1"' },
    external: ['bufferutil', 'utf-8-validate'],
    logLevel: 'silent',
  });
  return outfile;
}
