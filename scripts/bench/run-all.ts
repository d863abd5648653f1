/**
 * pnpm bench — runs every benchmark of the repository, one process each (so that each one's peak
 * memory is its own), and prints their numbers as they come, then a line per benchmark with its
 * exit code and duration. Benchmarks print numbers and assert nothing; a non-zero exit means one
 * could not run. Found: scripts/bench/*.ts (but this file) and <package>/scripts/bench-*.ts.
 *
 *   pnpm bench                 every benchmark
 *   pnpm bench match sqlite    only those whose file name contains one of the words
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function benchmarks(): string[] {
  const own = readdirSync(join(ROOT, 'scripts', 'bench'))
    .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
    .map((f) => join(ROOT, 'scripts', 'bench', f));
  const packages = ['shared', 'agent', 'server'].flatMap((pkg) => {
    try {
      return readdirSync(join(ROOT, pkg, 'scripts'))
        .filter((f) => f.startsWith('bench-') && f.endsWith('.ts'))
        .map((f) => join(ROOT, pkg, 'scripts', f));
    } catch {
      return [];
    }
  });
  return [...own, ...packages].sort();
}

function run(file: string): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, ms: Date.now() - started }));
  });
}

const words = process.argv.slice(2).filter((a) => a !== '--');
const files = benchmarks().filter((f) => words.length === 0 || words.some((w) => relative(ROOT, f).includes(w)));
if (files.length === 0) {
  console.error(`no benchmark matches ${words.join(', ')}; found: ${benchmarks().map((f) => relative(ROOT, f)).join(', ')}`);
  process.exit(2);
}
const results: { file: string; code: number | null; ms: number }[] = [];
for (const file of files) {
  console.log(`\n=== ${relative(ROOT, file)} ===\n`);
  results.push({ file, ...(await run(file)) });
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${relative(ROOT, r.file).padEnd(40)} ${r.code === 0 ? 'ok' : `exit ${r.code}`}  ${(r.ms / 1000).toFixed(1)} s`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
